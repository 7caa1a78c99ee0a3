"""Read a Dockerfile and replay its build on this machine, without a container runtime.

No image can be pulled here, so the backend image's contract is proved on a tree built the way
the Dockerfile builds it: every ``COPY`` of the build stage copies what the build context
(filtered by ``.dockerignore``) would send, every ``RUN`` runs with the container's absolute
paths moved under a scratch root, and the runtime stage's ``COPY --from`` and ``ENV`` give the
environment its ``CMD`` runs in. Only the instructions this project's Dockerfile uses are read.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Instruction:
    keyword: str  # upper case: FROM, RUN, COPY, ...
    args: str


@dataclass
class Stage:
    base: str
    name: str
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]

    def env(self) -> dict[str, str]:
        """The stage's ENV, in order (``$NAME`` references to earlier values left as written)."""
        values: dict[str, str] = {}
        for instruction in self.all("ENV"):
            for pair in shlex.split(instruction.args):
                name, _, value = pair.partition("=")
                values[name] = value
        return values

    def exec_form(self, keyword: str) -> list[str]:
        """The JSON (exec) form of the stage's last CMD or HEALTHCHECK's command."""
        found = self.all(keyword)[-1].args
        return list(json.loads(found[found.index("[") :]))


@dataclass
class Dockerfile:
    args: dict[str, str]  # global ARGs (before the first FROM) with their defaults
    stages: list[Stage]

    def stage(self, name: str) -> Stage:
        return next(s for s in self.stages if s.name == name)


def logical_lines(text: str) -> list[str]:
    """Lines with continuations joined; comment lines (also inside a continuation) dropped."""
    lines: list[str] = []
    current = ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if stripped.startswith("#") or (not stripped and not current):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        current += stripped
        lines.append(current)
        current = ""
    if current:
        lines.append(current)
    return lines


def parse(text: str) -> Dockerfile:
    args: dict[str, str] = {}
    stages: list[Stage] = []
    for line in logical_lines(text):
        keyword, _, rest = line.partition(" ")
        keyword = keyword.upper()
        rest = rest.strip()
        if keyword == "ARG" and not stages:
            name, _, default = rest.partition("=")
            args[name] = default
        elif keyword == "FROM":
            parts = rest.split()
            base = re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], parts[0])
            name = parts[2] if len(parts) == 3 and parts[1].upper() == "AS" else str(len(stages))
            stages.append(Stage(base, name))
        else:
            stages[-1].instructions.append(Instruction(keyword, rest))
    return Dockerfile(args, stages)


# -- .dockerignore ---------------------------------------------------------------------------
def _pattern_regex(pattern: str) -> re.Pattern[str]:
    """A .dockerignore pattern (Go filepath.Match plus ``**``) as a regex on relative paths."""
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
        elif pattern.startswith("**", i):
            out += ".*"
            i += 2
        elif pattern[i] == "*":
            out += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            out += "[^/]"
            i += 1
        else:
            out += re.escape(pattern[i])
            i += 1
    return re.compile(out + "(?:/.*)?$")  # a directory's pattern covers what is inside it


def context_files(context: Path, ignore_text: str) -> list[Path]:
    """The files ``docker build`` would send from ``context`` (last matching pattern wins)."""
    rules: list[tuple[bool, re.Pattern[str]]] = []
    for line in ignore_text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keep = line.startswith("!")
        rules.append((keep, _pattern_regex(line.lstrip("!").strip("/"))))
    sent: list[Path] = []
    for root, dirs, files in os.walk(context):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in files:
            relative = (Path(root) / name).relative_to(context).as_posix()
            included = True
            for keep, regex in rules:
                if regex.match(relative):
                    included = keep
            if included:
                sent.append(Path(relative))
    return sorted(sent)


# -- replaying the build ---------------------------------------------------------------------
@dataclass
class Replay:
    """The container's file system under ``root``; ``path`` maps a container path there."""

    root: Path
    context_files: list[Path]
    context: Path

    def path(self, container_path: str) -> Path:
        return self.root / container_path.lstrip("/")

    def rewrite(self, command: str, prefixes: list[str]) -> str:
        """``command`` with every container path under ``prefixes`` moved under the root."""
        for prefix in sorted(prefixes, key=len, reverse=True):
            command = re.sub(
                rf"(?<![\w/.-]){re.escape(prefix)}(?=/|\s|$|:)", str(self.path(prefix)), command
            )
        return command

    def copy(self, sources: list[str], destination: str) -> None:
        """``COPY`` from the context: files keep their path below each source."""
        target = self.path(destination)
        for source in sources:
            below = [f for f in self.context_files if f.as_posix().startswith(source.rstrip("/"))]
            if not below:
                raise FileNotFoundError(f"COPY {source}: not in the build context")
            for file in below:
                exact = file.as_posix() == source
                relative = Path(file.name) if exact else file.relative_to(source.rstrip("/"))
                out = target if exact and not destination.endswith("/") else target / relative
                out.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(self.context / file, out)

    def run_stage(self, stage: Stage, prefixes: list[str], env: dict[str, str]) -> None:
        """Every COPY and RUN of a build stage, in order (RUN through ``/bin/sh -c``)."""
        stage_env = {**env}
        for key, value in stage.env().items():
            stage_env[key] = value
        for instruction in stage.instructions:
            if instruction.keyword == "COPY":
                *sources, destination = shlex.split(instruction.args)
                if any(s.startswith("--") for s in sources):
                    raise ValueError(f"COPY option in a build stage: {instruction.args}")
                self.copy(sources, destination)
            elif instruction.keyword == "RUN":
                command = self.rewrite(instruction.args, prefixes)
                subprocess.run(
                    ["/bin/sh", "-c", command],
                    env=stage_env,
                    cwd=self.root,
                    check=True,
                    capture_output=True,
                    timeout=900,
                )
            elif instruction.keyword not in ("ENV", "LABEL", "ARG"):
                raise ValueError(f"{instruction.keyword} in a build stage is not replayed")

    def runtime_env(self, stage: Stage, prefixes: list[str], base_path: str) -> dict[str, str]:
        """The runtime stage's ENV with container paths mapped and ``$PATH`` = ``base_path``."""
        env: dict[str, str] = {}
        for name, value in stage.env().items():
            value = value.replace("$PATH", base_path).replace("${PATH}", base_path)
            env[name] = self.rewrite(value, prefixes)
        return env
