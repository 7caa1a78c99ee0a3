"""Team backend benchmarks: real redis-server, gunicorn and ONE Celery worker process (N
threads), the fake Bedrock server behind it (real boto3), loopback only.

1. Throughput: 200 analysis jobs (sections of the bundled sample report, as the desktop sends
   them) submitted concurrently, every model answering after 2 s. Wall time from the first
   submit to the last job's end, against the ideal 2 s × ceil(200 / N). Target ≤ 1.3 × ideal.
2. Latency under load: ``GET /v1/health`` and ``GET /v1/analyses/{id}`` at 500 requests/s
   (open loop) from a separate process (``bench.backend_load``). Target P99 ≤ 20 ms. The same
   load against a bare Flask app under the same gunicorn settings (``bench.backend_baseline_app``)
   in the same run is the floor: on a machine shared with other work, absolute latencies say
   more about the machine than about the server.

Run: ``.venv/bin/python -m bench.backend [--threads 25,50] [--repeats 3]`` (about 3 minutes).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import math
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from aiprism_desktop.core.document_wire import document_to_wire, section_to_wire
from aiprism_desktop.core.ooxml.reader import read_document
from aiprism_desktop.core.prompts import PROMPT_VERSION
from aiprism_desktop.core.resources import resources_dir
from backend_contract.server.local import LocalBackend, free_port
from tests.fakes.fake_bedrock import FakeBedrock
from tests.support.backend_servers import backend_environment
from tests.support.bedrock_harness import KEYS, answer_by, scenario

JOBS = 200
LATENCY_S = 2.0
RATIO_TARGET = 1.3
P99_TARGET_MS = 20.0


def job_bodies() -> list[dict[str, Any]]:
    """200 requests over the sample report's sections (outline + the section's blocks)."""
    document = read_document(resources_dir() / "samples" / "investigation_report.docx")
    outline = document_to_wire(document, blocks_of=())
    sections = [s for s in document.sections if not s.is_empty]
    return [
        {
            "framework": "hawkeye",
            "prompt_version": PROMPT_VERSION,
            "document": outline,
            "section": section_to_wire(sections[i % len(sections)]),
        }
        for i in range(JOBS)
    ]


def _finished_at(job: dict[str, Any]) -> float:
    return dt.datetime.fromisoformat(job["updated_at"].replace("Z", "+00:00")).timestamp()


async def throughput_run(
    url: str, token: str, bodies: list[dict[str, Any]]
) -> tuple[float, float, str]:
    """Seconds from the first submit to the last job's end, seconds to submit them all, and one
    finished job's id."""
    limits = httpx.Limits(max_connections=48)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=60) as c:
        began = time.time()
        submitted = await asyncio.gather(*(c.post("/v1/analyses", json=b) for b in bodies))
        submit_s = time.time() - began
        ids = [r.json()["id"] for r in submitted if r.status_code == 202]
        if len(ids) != len(bodies):
            raise RuntimeError(f"only {len(ids)} of {len(bodies)} jobs were accepted")
        ended = {}
        for job_id in ids:  # one long-poll at a time: the client stays out of the way
            while True:
                job = (await c.get(f"/v1/analyses/{job_id}", params={"wait": 20})).json()
                if job["status"] in ("succeeded", "failed", "cancelled"):
                    ended[job_id] = job
                    break
    failed = [j for j in ended.values() if j["status"] != "succeeded"]
    if failed:
        raise RuntimeError(f"{len(failed)} job(s) did not succeed: {failed[0]['error']}")
    return max(_finished_at(j) for j in ended.values()) - began, submit_s, ids[0]


def load_run(url: str, token: str, job_id: str, rate: float, seconds: float) -> dict[str, Any]:
    argv = [sys.executable, "-m", "bench.backend_load", url, token, job_id]
    argv += ["--rate", str(rate), "--seconds", str(seconds)]
    out = subprocess.run(argv, capture_output=True, text=True, check=True, timeout=seconds + 60)
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


def spread(values: Sequence[float]) -> str:
    return f"{min(values):7.2f} {statistics.median(values):7.2f} {max(values):7.2f}"


def print_baseline(rate: float, seconds: float, repeats: int) -> None:
    """The same load against a bare Flask app under the same gunicorn settings."""
    port = free_port()
    argv = [sys.executable, "-m", "gunicorn", "-c", "python:backend_contract.server.gunicorn_conf"]
    argv += ["--bind", f"127.0.0.1:{port}", "bench.backend_baseline_app:app"]
    server = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(f"{url}/v1/health", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        runs = [load_run(url, "none", "baseline", rate, seconds) for _ in range(repeats)]
    finally:
        server.terminate()
        server.wait(30)
    for name in ("health", "job_poll"):
        p50 = [percentile(r["latency_ms"][name], 50) for r in runs]
        p99 = [percentile(r["latency_ms"][name], 99) for r in runs]
        print(f"{name + ' (bare Flask)':<22} {spread(p50)}   {spread(p99)}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.backend")
    parser.add_argument("--threads", default="25,50", help="worker threads to measure")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--rate", type=float, default=500.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args(argv)
    bodies = job_bodies()
    answer = {**answer_by(KEYS[0]), "latency": LATENCY_S}
    ok = True
    with FakeBedrock(scenario({KEYS[0]: [answer]})) as fake, tempfile.TemporaryDirectory() as home:
        env = backend_environment(
            fake.endpoint_url,
            Path(home),
            AIPRISM_MAX_ACTIVE_JOBS="10000",
            AIPRISM_ANALYSES_PER_MINUTE="100000",
        )
        print(f"{JOBS} jobs, model latency {LATENCY_S:g} s, one worker process")
        print("threads  ideal s   wall s min/median/max     ratio min/median/max   submit s")
        finished_job = ("", "", "")
        for threads in (int(t) for t in args.threads.split(",")):
            with LocalBackend(env=env, worker_threads=threads) as server:
                token = server.create_token("bench")
                ideal = LATENCY_S * math.ceil(JOBS / threads)
                walls, submits = [], []
                for _ in range(args.repeats):
                    wall, submit_s, job_id = asyncio.run(throughput_run(server.url, token, bodies))
                    walls.append(wall)
                    submits.append(submit_s)
                ratios = [w / ideal for w in walls]
                ok &= statistics.median(ratios) <= RATIO_TARGET
                print(
                    f"{threads:7d} {ideal:7.1f}   {spread(walls)}   {spread(ratios)}"
                    f"   {statistics.median(submits):6.2f}"
                )
                if threads == int(args.threads.split(",")[-1]):
                    finished_job = (server.url, token, job_id)
                    print(
                        f"\nlatency at {args.rate:g} requests/s for {args.seconds:g} s "
                        "(separate process), ms"
                    )
                    print(
                        "endpoint                P50 min/median/max        P99 min/median/max"
                        "   achieved/s"
                    )
                    runs = [
                        load_run(*finished_job, args.rate, args.seconds)
                        for _ in range(args.repeats)
                    ]
                    for name in ("health", "job_poll"):
                        p50 = [percentile(r["latency_ms"][name], 50) for r in runs]
                        p99 = [percentile(r["latency_ms"][name], 99) for r in runs]
                        ok &= statistics.median(p99) <= P99_TARGET_MS
                        rates = statistics.median(r["achieved_rate"] for r in runs)
                        print(f"{name:<22} {spread(p50)}   {spread(p99)}   {rates:8.1f}")
                    errors = sum(r["errors"] for r in runs)
                    print(f"errors: {errors}")
                    ok &= errors == 0
                    print_baseline(args.rate, args.seconds, args.repeats)
    print(
        f"\ntargets: wall ≤ {RATIO_TARGET} × ideal, P99 ≤ {P99_TARGET_MS:g} ms: "
        + ("met" if ok else "NOT met")
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
