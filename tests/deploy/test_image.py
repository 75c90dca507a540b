"""deploy/Dockerfile, deploy/install.sh, deploy/compose.yaml and the deploy workflow.

No Docker engine runs here, so the image is checked the other way round: its install line is
deploy/install.sh, which README line 2 and .ci/run run in fresh venvs, and its HEALTHCHECK is
run against the real application.
"""

from __future__ import annotations

import asyncio
import json
import re
import shlex
import sys
import tomllib
from pathlib import Path
from typing import Any

import yaml
from aiohttp.test_utils import TestClient

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
INSTALL = "deploy/install.sh"


def _instructions(dockerfile: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", dockerfile)
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def _stages() -> list[list[tuple[str, str]]]:
    stages: list[list[tuple[str, str]]] = []
    for instruction in _instructions((ROOT / "deploy" / "Dockerfile").read_text()):
        if instruction[0] == "FROM":
            stages.append([])
        if stages:
            stages[-1].append(instruction)
    return stages


def _final(name: str) -> list[str]:
    return [args for word, args in _stages()[-1] if word == name]


def _env(stage: list[tuple[str, str]]) -> dict[str, str]:
    env = {}
    for word, args in stage:
        if word == "ENV":
            for pair in shlex.split(args):
                key, _, value = pair.partition("=")
                env[key] = value
    return env


def _install_calls(text: str) -> list[list[str]]:
    """The argument lists of every `bash deploy/install.sh …` in a script or command line."""
    calls = []
    for command in re.split(r"&&|\n|;", text):
        words = shlex.split(command, comments=True)
        if words[:2] == ["bash", INSTALL]:
            calls.append(words[2:])
    return calls


def test_the_image_runs_the_service_as_a_non_root_user() -> None:
    (user,) = _final("USER")
    uid = user.split(":")[0]
    assert uid.isdigit() and int(uid) != 0, "a numeric non-root id, for runAsNonRoot"
    assert _final("CMD") == ['["ordinarthur-os", "run"]']
    assert _final("ENTRYPOINT") == []
    env = _env(_stages()[-1])
    assert env["HOST"] == "0.0.0.0"
    assert env["APP_ENV"] == "production"
    assert env["PATH"].startswith("/opt/venv/bin:")
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    assert re.search(r"^ARG PYTHON_IMAGE=python:3\.1[1-9]-slim", dockerfile, re.MULTILINE)
    assert all(stage[0][1].startswith("${PYTHON_IMAGE}") for stage in _stages())


def test_the_image_installs_with_the_script_ci_runs() -> None:
    build, final = _stages()
    runs = " && ".join(args for word, args in build if word == "RUN")
    assert _install_calls(runs) == [["/opt/venv"]]  # plain `pip install .`, no extras
    assert ("COPY", "--from=build /opt/venv /opt/venv") in final
    # .ci/run runs the same call in a fresh venv, then README line 2 (tests) calls it too.
    ci = (ROOT / ".ci" / "run").read_text()
    assert [len(args) for args in _install_calls(ci)] == [1]
    assert 'bash -euo pipefail -c "$(readme_line 2)"' in ci
    line1, line2 = (ROOT / "README.md").read_text().splitlines()[:2]
    assert _install_calls(line1) == [[".venv"]]
    assert _install_calls(line2) == [["--editable", ".venv", "dev"]]
    assert line1.endswith("&& .venv/bin/ordinarthur-os run")
    assert line2.endswith("&& .venv/bin/python -m pytest")


def test_the_build_context_holds_every_package_of_the_wheel() -> None:
    ignore = (ROOT / "deploy" / "Dockerfile.dockerignore").read_text().splitlines()
    allowed = {line[1:].rstrip("/") for line in ignore if line.startswith("!")}
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]
    assert set(packages) | {"pyproject.toml", "README.md", INSTALL} <= allowed


def _healthcheck() -> list[str]:
    (healthcheck,) = _final("HEALTHCHECK")
    command = json.loads(healthcheck.split(" CMD ", 1)[1])
    assert command[:2] == ["python", "-c"]
    assert "urllib" in command[2] and "/health" in command[2]
    return [sys.executable, *command[1:]]


async def _exit_code(command: list[str], port: int) -> int:
    proc = await asyncio.create_subprocess_exec(
        *command,
        env={"PORT": str(port)},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    return await proc.wait()


async def test_the_healthcheck_passes_on_the_running_service_only(
    client: TestClient[Any, Any],
) -> None:
    command = _healthcheck()
    assert client.server.port is not None
    assert await _exit_code(command, client.server.port) == 0
    assert await _exit_code(command, free_port()) != 0


def test_compose_runs_the_image_against_postgres_16() -> None:
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    db, app = compose["services"]["db"], compose["services"]["app"]
    assert db["image"].startswith("postgres:16")
    context = (ROOT / "deploy" / app["build"]["context"]).resolve()
    assert context == ROOT and (context / app["build"]["dockerfile"]).is_file()
    env = db["environment"]
    assert app["environment"]["DATABASE_URL"] == (
        f"postgresql://{env['POSTGRES_USER']}:{env['POSTGRES_PASSWORD']}@db:5432/"
        f"{env['POSTGRES_DB']}"
    )
    assert app["depends_on"]["db"]["condition"] == "service_healthy"


def test_the_workflow_tests_builds_pushes_and_rolls_the_deployment() -> None:
    workflow = yaml.safe_load((ROOT / ".gitea" / "workflows" / "deploy.yml").read_text())
    steps = [step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"]]
    script = "\n".join(steps)
    assert "bash .ci/run" in script
    assert "docker build -f deploy/Dockerfile" in script and "docker push" in script
    assert "deploy/k8s/migrate.job.yaml" in script
    manifest = list(yaml.safe_load_all((ROOT / "deploy" / "k8s" / "app.yaml").read_text()))
    deployment = next(d for d in manifest if d["kind"] == "Deployment")
    container = deployment["spec"]["template"]["spec"]["containers"][0]["name"]
    name = deployment["metadata"]["name"]
    assert f'kubectl -n "$NAMESPACE" set image deployment/{name} {container}=' in script
    assert workflow["env"]["NAMESPACE"] == deployment["metadata"]["namespace"]
    assert container_image_repo(deployment) == workflow["env"]["IMAGE"]


def container_image_repo(deployment: dict[str, Any]) -> str:
    image: str = deployment["spec"]["template"]["spec"]["containers"][0]["image"]
    return image.rsplit(":", 1)[0]
