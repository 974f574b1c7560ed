"""The ``azvpn`` command: formats, exit codes, error output, and secrets that never reach the terminal."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from azvpn import cli
from azvpn.engine import PlanResult
from azvpn.plan import plan_stack
from azvpn.plan_report import SECRET, plan_document, render_json
from azvpn.plan_text import render_text
from azvpn.stack_files import SECURE_PLACEHOLDER
from azvpn.topology_mermaid import render_mermaid

from .conftest import ROOT, dev_yaml, project_copy

CIPHERTEXT = "v1:bm90LWEtcmVhbC1jaXBoZXJ0ZXh0:dGhpcyBtdXN0IG5ldmVyIGJlIHByaW50ZWQ="


@pytest.fixture
def planned(monkeypatch: pytest.MonkeyPatch, dev_plan: PlanResult) -> list[tuple[Path, str]]:
    """The CLI with the shared dev plan instead of a new mock run; records what it asked for."""
    calls: list[tuple[Path, str]] = []

    def fake_plan_stack(project_dir: Path, stack: str) -> PlanResult:
        calls.append((project_dir, stack))
        print("a print() in the program")  # must not end up in stdout
        return dev_plan

    monkeypatch.setattr(cli, "plan_stack", fake_plan_stack)
    return calls


def test_plan_json_is_the_document_and_program_prints_go_to_stderr(
        planned: list[tuple[Path, str]], dev_document: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["plan", "--format", "json", "--stack", "dev", "-C", str(ROOT)]) == 0
    out, err = capsys.readouterr()
    assert out == render_json(dev_document)
    assert json.loads(out)["schemaVersion"] == 1
    assert err == "a print() in the program\n"
    assert planned == [(ROOT, "dev")]


def test_plan_default_is_text_for_the_dev_stack(planned: list[tuple[Path, str]], dev_document: dict[str, Any],
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["plan"]) == 0
    assert capsys.readouterr().out == render_text(dev_document)
    assert planned == [(Path("."), "dev")]


def test_plan_mermaid_fenced(planned: list[tuple[Path, str]], dev_document: dict[str, Any],
                             capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["plan", "-f", "mermaid", "--fenced"]) == 0
    assert capsys.readouterr().out == render_mermaid(dev_document, fenced=True)


def test_fenced_needs_mermaid(planned: list[tuple[Path, str]], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["plan", "--fenced"])
    assert exited.value.code == 2
    assert "--fenced applies to --format mermaid" in capsys.readouterr().err
    assert planned == []


def test_invalid_config_exits_1_with_the_key_path_and_nothing_else(tmp_path: Path) -> None:
    # A real process through the real program: what a user sees, with no traceback anywhere.
    project = project_copy(tmp_path, dev_yaml(("ikeEncryption: AES256", "ikeEncryption: AES-256")))
    run = subprocess.run([sys.executable, "-m", "azvpn.cli", "plan", "-C", str(project)],
                         capture_output=True, text=True, cwd=tmp_path, timeout=120, check=False)
    assert run.returncode == 1
    assert run.stdout == ""
    assert run.stderr.splitlines() == [
        "stack config: 1 problem:",
        "  - policies.seed-s2s.ikeEncryption: got 'AES-256'; allowed: DES, DES3, AES128, AES192, AES256, GCMAES256, "
        "GCMAES128. Why: it is not a value of the azure-native IkeEncryption enum. Did you mean 'AES256'?",
    ]


def test_check_invalid_config_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = project_copy(tmp_path, dev_yaml(("sku: VpnGw2AZ", "sku: VpnGw2")))
    assert cli.main(["check", "-C", str(project)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("stack config: 1 problem:\n  - gateways.VNet2GW.sku: got 'VpnGw2'")
    assert "Traceback" not in err


def test_check_valid_stack_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["check", "-C", str(ROOT)]) == 0
    assert capsys.readouterr().out.startswith("azure-ipsec-vpn/dev: config is valid")


def test_missing_stack_file_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["check", "-C", str(ROOT), "--stack", "nosuchstack"]) == 1
    assert capsys.readouterr().err == f"Pulumi.nosuchstack.yaml: not found in {ROOT}\n"


# --- secure values -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def secure_plan(tmp_path_factory: pytest.TempPathFactory) -> PlanResult:
    """The dev stack with Site6's shared key set as `pulumi config set --secret --path` writes it."""
    stack_yaml = dev_yaml() + f"  azure-ipsec-vpn:sharedKeys:\n    Site6:\n      secure: {CIPHERTEXT}\n"
    return plan_stack(project_copy(tmp_path_factory.mktemp("secure"), stack_yaml), "dev")


def test_secure_values_are_secrets_in_every_format(secure_plan: PlanResult) -> None:
    # The program received a stand-in (never the decrypted key) and marked it secret.
    connection = secure_plan.by_name("Site6-connection-connection")
    assert connection.is_secret("sharedKey")
    assert str(connection.inputs["sharedKey"]).startswith(SECURE_PLACEHOLDER)
    document = plan_document(secure_plan)
    rendered = {"json": render_json(document), "text": render_text(document), "mermaid": render_mermaid(document)}
    for name, output in rendered.items():
        assert CIPHERTEXT not in output, name
        assert CIPHERTEXT.split(":")[1] not in output, name
        assert SECURE_PLACEHOLDER not in output, name
    resource = next(r for r in document["resources"] if r["name"] == "Site6-connection-connection")
    assert resource["inputs"]["sharedKey"] == SECRET
    assert resource["secretInputs"] == ["sharedKey"]
