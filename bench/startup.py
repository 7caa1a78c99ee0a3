"""Benchmark: how long ``aiprism`` takes to answer, as a new process each time.

* ``aiprism --version``                          target ≤ 150 ms
* ``aiprism sections`` on the bundled sample      target ≤ 300 ms
* ``aiprism sections`` on the 300-page bench document (for information)

Beside them, in the same run, the floor no code of ours can go under: ``python -c pass`` with
the same interpreter. The package's bytecode is compiled first, as an installed app has it
(``bench.bytecode``). Min / median / max over interleaved runs.

    .venv/bin/python -m bench.startup [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from aiprism_desktop.core.resources import resources_dir
from bench import document as document_bench
from bench.bytecode import ensure_compiled

SAMPLE = resources_dir() / "samples" / "investigation_report.docx"
TARGETS_MS = {"--version": 150.0, "sections (sample)": 300.0}


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{command} failed ({done.returncode}): {done.stderr.decode()[-800:]}")
    return elapsed * 1000.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=9)
    options = parser.parse_args(argv)
    ensure_compiled()
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        big = work / "bench-300-pages.docx"
        document_bench.generate(big)
        env = {**os.environ, "AIPRISM_DATA_DIR": str(work / "data")}
        cli = [sys.executable, "-m", "aiprism_desktop.cli"]
        commands = {
            "python -c pass (floor)": [sys.executable, "-c", "pass"],
            "--version": [*cli, "--version"],
            "sections (sample)": [*cli, "sections", str(SAMPLE)],
            "sections (300 pages)": [*cli, "sections", str(big)],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for command in commands.values():
            timed(command, env)  # warm the file cache
        for _ in range(options.repeat):
            for name, command in commands.items():
                times[name].append(timed(command, env))
    print(
        f"aiprism start-up ({options.repeat} runs each, interleaved; bytecode compiled; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores):"
    )
    for name, values in times.items():
        target = TARGETS_MS.get(name)
        verdict = ""
        if target is not None:
            ok = statistics.median(values) <= target
            verdict = f"  {'ok' if ok else 'OVER'} (target ≤ {target:.0f} ms)"
        print(
            f"  {name:<24} min {min(values):6.0f}  median {statistics.median(values):6.0f}  "
            f"max {max(values):6.0f} ms{verdict}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
