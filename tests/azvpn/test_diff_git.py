"""``azvpn diff --base <ref>`` end to end on a throw-away git repository: the worktree path.

The other diff tests compare plans made from config overrides; this one checks that the
base side really comes from the ref (its own __main__.py and components, in a temporary
worktree that is removed afterwards) and that the command's exit status and output hold.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import yaml

from azvpn.cli import main
from azvpn.diff import EXIT_BASE_ERROR, EXIT_WEAKER

ROOT = Path(__file__).resolve().parents[2]
PROJECT_FILES = ("__main__.py", "Pulumi.yaml", "Pulumi.dev.yaml")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid", *args],
                          cwd=repo, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project (program, components, stack file) committed once, then the policy weakened."""
    repo = tmp_path_factory.mktemp("project")
    for name in PROJECT_FILES:
        shutil.copy2(ROOT / name, repo / name)
    shutil.copytree(ROOT / "components", repo / "components", ignore=shutil.ignore_patterns("__pycache__"))
    git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "add", ".")
    git(repo, "commit", "--quiet", "-m", "base")
    stack = yaml.safe_load((repo / "Pulumi.dev.yaml").read_text())
    stack["config"]["azure-ipsec-vpn:policies"]["seed-s2s"]["ikeIntegrity"] = "SHA1"
    (repo / "Pulumi.dev.yaml").write_text(yaml.safe_dump(stack, sort_keys=False))
    return repo


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(argv))
    return status, out.getvalue(), err.getvalue()


def leftovers() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("azvpn-diff-*")}


def test_diff_against_a_ref_plans_it_in_a_worktree_and_cleans_up(repo: Path) -> None:
    before = leftovers()
    status, out, err = run("diff", "--base", "main", "-C", str(repo), "--format", "json", "--fail-on-weaker")
    assert status == EXIT_WEAKER, err
    assert "VNet1toSite6: weaker" in err
    document = json.loads(out)
    [connection] = document["connections"]
    assert (connection["connection"], connection["verdict"]) == ("VNet1toSite6", "weaker")
    assert connection["fields"] == [{"field": "ikeIntegrity", "base": "SHA384", "head": "SHA1"}]
    assert document["base"] == "main" and str(repo) not in out
    # The worktree and its temporary directory are gone again.
    assert git(repo, "worktree", "list", "--porcelain").count("worktree ") == 1
    assert leftovers() <= before


def test_without_fail_on_weaker_the_report_is_markdown_and_the_status_zero(repo: Path) -> None:
    status, out, _ = run("diff", "--base", "main", "-C", str(repo))
    assert status == 0
    assert out.startswith("<!-- azvpn-diff -->\n")
    assert "| ikeIntegrity | `SHA384` | `SHA1` (weak) |" in out
    assert "```mermaid" in out


def test_unknown_ref_is_a_clear_error(repo: Path) -> None:
    status, out, err = run("diff", "--base", "no-such-ref", "-C", str(repo))
    assert (status, out) == (EXIT_BASE_ERROR, "")
    assert err.startswith("azvpn diff: no commit named 'no-such-ref' in ")
