"""The deploy workflow: secrets reach its scripts through `env:` only and are never printed, and
the cluster runs the image by the digest the workflow pushed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".gitea" / "workflows" / "deploy.yml"
EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


def _steps() -> list[dict[str, Any]]:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def test_no_expression_is_pasted_into_a_script() -> None:
    for step in _steps():
        assert not EXPRESSION.search(step.get("run", "")), step.get("name")


def test_secrets_are_passed_through_env_and_never_echoed() -> None:
    secret_vars: set[str] = set()
    for step in _steps():
        for key, value in step.items():
            if key != "env":  # not in `run`, `with`, `if`: only a step's environment
                assert "secrets." not in yaml.safe_dump(value), (step.get("name"), key)
        for name, value in (step.get("env") or {}).items():
            if "secrets." in str(value):
                assert EXPRESSION.fullmatch(str(value)), name  # the secret alone, nothing else
                secret_vars.add(name)
    assert secret_vars >= {"REGISTRY_TOKEN", "KUBECONFIG_DATA"}
    for step in _steps():
        script = step.get("run", "")
        assert "set -x" not in script
        for line in script.splitlines():
            if any(f"${var}" in line or f"${{{var}}}" in line for var in secret_vars):
                # Written to a pipe or a file by printf; never echoed, never an argument.
                assert "printf '%s" in line and "echo" not in line, line


def test_the_cluster_runs_the_pushed_digest() -> None:
    steps = {step.get("name"): step for step in _steps()}
    push = steps["Push image"]
    assert push["id"] == "push"
    assert "RepoDigests" in push["run"] and "$GITHUB_OUTPUT" in push["run"]
    for name in ("Migrate", "Deploy"):
        assert steps[name]["env"]["IMAGE_REF"] == "${{ steps.push.outputs.ref }}", name
    assert 'image: $IMAGE_REF|" deploy/k8s/migrate.job.yaml' in steps["Migrate"]["run"]
    assert 'set image deployment/ordinarthur-os app="$IMAGE_REF"' in steps["Deploy"]["run"]
