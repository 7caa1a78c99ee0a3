"""An open-loop HTTP load generator, run as its own process by ``bench.backend``.

Requests are scheduled at a fixed rate (not "as fast as answers come back"), alternating
``GET /v1/health`` and ``GET /v1/analyses/{id}``, over keep-alive connections; each latency is
measured from the moment the request was due, so a stalled server cannot hide its queueing.
Prints one JSON object: achieved rate and the latencies (ms) of each endpoint.

    python -m bench.backend_load URL TOKEN JOB_ID [--rate 500] [--seconds 10]
"""

from __future__ import annotations

import argparse
import http.client
import json
import threading
import time
from collections.abc import Sequence
from urllib.parse import urlsplit

CONNECTIONS = 24


def run_load(url: str, token: str, job_id: str, rate: float, seconds: float) -> dict[str, object]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    total = int(rate * seconds)
    paths = ["/v1/health", f"/v1/analyses/{job_id}"]
    headers = {"Authorization": f"Bearer {token}", "Connection": "keep-alive"}
    lock = threading.Lock()
    next_index = 0
    results: dict[str, list[float]] = {path: [] for path in paths}
    errors: list[str] = []
    start = time.perf_counter() + 0.2

    def worker() -> None:
        nonlocal next_index
        connection = http.client.HTTPConnection(host, port, timeout=10)
        while True:
            with lock:
                index = next_index
                next_index += 1
            if index >= total:
                break
            due = start + index / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            path = paths[index % 2]
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                errors.append(type(error).__name__)
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=10)
                continue
            elapsed_ms = (time.perf_counter() - due) * 1000
            with lock:
                if status == 200:
                    results[path].append(elapsed_ms)
                else:
                    errors.append(str(status))
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    duration = time.perf_counter() - start
    done = sum(len(v) for v in results.values())
    return {
        "requested_rate": rate,
        "achieved_rate": round(done / duration, 1),
        "errors": len(errors),
        "latency_ms": {
            ("health" if path == paths[0] else "job_poll"): sorted(values)
            for path, values in results.items()
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("token")
    parser.add_argument("job_id")
    parser.add_argument("--rate", type=float, default=500.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args(argv)
    print(json.dumps(run_load(args.url, args.token, args.job_id, args.rate, args.seconds)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
