"""The backend image: its Dockerfile checked, and its contract proved without a container
runtime — the build replayed from the same lock into the image's own paths (under a scratch
root), then the image's exact commands run from there must pass the conformance kit."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from backend_contract.server.local import free_port
from tests.packaging.aws_files import TEMPLATES, container, load_template
from tests.packaging.dockerfile import Dockerfile, Replay, context_files, parse
from tests.support.backend_servers import private_redis
from tests.support.paths import REPO_ROOT

DOCKER_DIR = REPO_ROOT / "packaging" / "docker"
DOCKERFILE = DOCKER_DIR / "Dockerfile"
IGNORE_FILE = REPO_ROOT / ".dockerignore"
QT_PACKAGES = {"pyside6-essentials", "pyside6-addons", "qasync"}
BUILD_ONLY = {"setuptools", "wheel"}


@pytest.fixture(scope="module")
def dockerfile() -> Dockerfile:
    return parse(DOCKERFILE.read_text())


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    assert found, f"{name} is a test dependency (pyproject's test extra)"
    return found


def test_hadolint_finds_nothing() -> None:
    result = subprocess.run(
        [_tool("hadolint"), "--no-color", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_base_is_pinned_by_digest_and_runtime_is_not_root(dockerfile: Dockerfile) -> None:
    for stage in dockerfile.stages:
        assert re.fullmatch(r"python:3\.11\.\d+-slim-\w+@sha256:[0-9a-f]{64}", stage.base)
    runtime = dockerfile.stages[-1]
    (user,) = runtime.all("USER")
    assert user.args.split(":")[0] not in ("root", "0")
    assert runtime.exec_form("CMD") == [
        "gunicorn",
        "-c",
        "python:backend_contract.server.gunicorn_conf",
    ]
    assert runtime.exec_form("HEALTHCHECK")[-2:] == ["-m", "backend_contract.server.healthcheck"]


def test_build_context_holds_no_tests_data_or_secrets() -> None:
    sent = [p.as_posix() for p in context_files(REPO_ROOT, IGNORE_FILE.read_text())]
    assert "resources/models.toml" in sent
    assert "packaging/docker/requirements.lock" in sent
    assert any(p.startswith("resources/frameworks/") for p in sent)
    for path in sent:
        assert not path.startswith(("tests/", ".venv", "bench/", "docs/", ".git/", "out/"))
        assert not path.startswith("resources/samples/"), "sample documents stay out"
        assert not re.search(r"(\.env|\.pem|\.key|credentials|\.pyc)$", path), path


def _names(lines: list[str]) -> set[str]:
    return {re.split(r"[<>=!~\[ ;]", line.strip(), maxsplit=1)[0].lower() for line in lines}


def test_the_lock_follows_pyproject() -> None:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    wanted = _names(project["dependencies"] + project["optional-dependencies"]["backend"])
    declared = (DOCKER_DIR / "requirements.in").read_text().splitlines()
    declared = [line for line in declared if line.strip() and not line.startswith("#")]
    assert _names(declared) == (wanted - QT_PACKAGES) | BUILD_ONLY
    lock = (DOCKER_DIR / "requirements.lock").read_text()
    pinned = {m.group(1).lower() for m in re.finditer(r"^([A-Za-z0-9_.-]+)==", lock, re.M)}
    assert {n.replace("_", "-") for n in _names(declared)} <= pinned
    assert not pinned & QT_PACKAGES
    assert lock.count("--hash=sha256:") >= len(pinned)


# -- the replayed image ----------------------------------------------------------------------
@dataclass
class ImageTree:
    replay: Replay
    dockerfile: Dockerfile
    env: dict[str, str]  # the runtime stage's ENV with its paths under the scratch root
    workdir: Path


def _prefixes(dockerfile: Dockerfile) -> list[str]:
    """The image's own top directories (COPY targets, WORKDIR, the venv)."""
    found = {"/src", "/opt/aiprism"}
    for stage in dockerfile.stages:
        for instruction in stage.all("WORKDIR"):
            found.add(instruction.args)
    return sorted(found)


@pytest.fixture(scope="module")
def image(dockerfile: Dockerfile, tmp_path_factory: pytest.TempPathFactory) -> ImageTree:
    root = tmp_path_factory.mktemp("image-root")
    replay = Replay(root, context_files(REPO_ROOT, IGNORE_FILE.read_text()), REPO_ROOT)
    # The base image's `python` is an official CPython 3.11; here, this machine's.
    shims = root / "base-image-bin"
    shims.mkdir()
    (shims / "python").symlink_to(getattr(sys, "_base_executable", sys.executable))
    base_path = f"{shims}:/usr/bin:/bin"
    pip_settings = {k: v for k, v in os.environ.items() if k.startswith("PIP_")}
    build_env = {"PATH": base_path, "HOME": str(root), "LANG": "C.UTF-8", **pip_settings}
    build, runtime = dockerfile.stages
    replay.run_stage(build, _prefixes(dockerfile), build_env)
    for instruction in runtime.all("RUN"):  # the runtime stage only adds its user
        assert instruction.args.startswith("groupadd"), instruction.args
    (copied,) = runtime.all("COPY")
    source, target = copied.args.split()[1:]
    assert copied.args.startswith("--from=build "), copied.args
    assert source == target, copied.args
    env = replay.runtime_env(runtime, _prefixes(dockerfile), base_path)
    (workdir,) = runtime.all("WORKDIR")
    return ImageTree(replay, dockerfile, env, replay.path(workdir.args))


def test_resources_and_model_chain_are_inside_the_image(image: ImageTree) -> None:
    venv = image.replay.path("/opt/aiprism/venv")
    code = (
        "from aiprism_desktop.core.resources import resources_dir; import backend_contract;"
        "print(resources_dir()); print(backend_contract.__file__)"
    )
    result = subprocess.run(
        ["python", "-c", code],
        env={**image.env, "HOME": "/nonexistent"},
        cwd=image.workdir,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    resources, package = map(Path, result.stdout.split())
    assert resources == venv / "share" / "aiprism-desktop" / "resources"
    assert (resources / "models.toml").is_file()
    assert package.is_relative_to(venv), "the image's own install, not this checkout"
    assert not (venv / "share" / "aiprism-desktop" / "resources" / "samples").exists()


def _wait_ready(url: str, processes: list[subprocess.Popen[bytes]], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert all(p.poll() is None for p in processes), "an image process exited"
        try:
            with urllib.request.urlopen(f"{url}/v1/health", timeout=2) as response:
                if json.load(response).get("workers", 0) >= 1:
                    return
        except (urllib.error.URLError, OSError, ValueError):
            pass
        time.sleep(0.3)
    raise TimeoutError("the image's processes did not become ready")


@pytest.fixture
def redis_url() -> Iterator[str]:
    with private_redis() as url:
        yield url


@pytest.mark.backend
@pytest.mark.slow
def test_image_entry_points_pass_the_conformance_kit(
    image: ImageTree, redis_url: str, tmp_path: Path
) -> None:
    tokens = {"team-a": "a" * 40, "team-b": "b" * 40}
    port = free_port()
    env = {
        **image.env,
        "HOME": "/nonexistent",  # the image's user has no home
        "AIPRISM_REDIS_URL": redis_url,
        "AIPRISM_PROVIDER": "offline",
        "AIPRISM_BIND": f"127.0.0.1:{port}",
        "AIPRISM_TEAM_TOKENS": json.dumps(tokens),  # as ECS injects the Secrets Manager secret
    }
    runtime = image.dockerfile.stages[-1]
    worker_command = container(load_template(TEMPLATES[0]), "WorkerTaskDefinition", "worker")
    commands = {"api": runtime.exec_form("CMD"), "worker": worker_command["Command"]}
    processes: list[subprocess.Popen[bytes]] = []
    logs = {name: (tmp_path / f"{name}.log").open("wb") for name in commands}
    try:
        for name, argv in commands.items():
            processes.append(
                subprocess.Popen(
                    argv, env=env, cwd=image.workdir, stdout=logs[name], stderr=subprocess.STDOUT
                )
            )
        url = f"http://127.0.0.1:{port}"
        _wait_ready(url, processes, timeout=90)
        kit = [sys.executable, "-m", "backend_contract.conformance", url]
        kit += ["--token", tokens["team-a"], "--token2", tokens["team-b"]]
        result = subprocess.run(kit, capture_output=True, text=True, timeout=400)
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.splitlines()[-1].endswith("CONFORMS")

        health = runtime.exec_form("HEALTHCHECK")
        as_api = subprocess.run(health, env=env, cwd=image.workdir, timeout=60)
        nobody = {**env, "AIPRISM_BIND": f"127.0.0.1:{free_port()}"}  # the worker's container
        as_worker = subprocess.run(health, env=nobody, cwd=image.workdir, timeout=60)
        elsewhere = {**nobody, "AIPRISM_KEY_PREFIX": "another-deployment"}
        no_worker = subprocess.run(
            health, env=elsewhere, cwd=image.workdir, timeout=60, capture_output=True, text=True
        )
        assert (as_api.returncode, as_worker.returncode) == (0, 0)
        assert no_worker.returncode == 1
        assert f"no worker heartbeat from {socket.gethostname()}" in no_worker.stderr
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs.values():
            log.close()
