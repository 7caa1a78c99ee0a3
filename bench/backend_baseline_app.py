"""The floor for ``bench.backend``'s latency figures: the same gunicorn (same settings) serving
a bare Flask app that answers the same two routes with constant JSON — no auth, no Redis.
What this costs on the machine at the moment is what no Flask backend could beat."""

from __future__ import annotations

from flask import Flask, Response, jsonify

app = Flask("baseline")


@app.get("/v1/health")
def health() -> Response:
    return jsonify(status="ready", live=True, store="ok", workers=1, version="baseline")


@app.get("/v1/analyses/<job_id>")
def job(job_id: str) -> Response:
    return jsonify(id=job_id, status="succeeded", findings=[], attempts=[], model="baseline")
