"""Another Pulumi project can install this one and use the components, without copying files.

Builds the wheel, installs it into a fresh virtual environment outside the repository, and
runs a small program there under the mock runtime. Installs come from uv's cache with the
locked versions as constraints, so this takes seconds, not a download.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.packaging

CONSUMER = textwrap.dedent('''
    """A consumer's program: a gateway and a site with a custom policy, run under mocks."""
    import json

    import azvpn.engine
    import components
    from azvpn.engine import run_program
    from components import ConnectionSettings, IpsecPolicy, VpnGateway, VpnGatewayArgs, VpnSite, VpnSiteArgs

    POLICY = IpsecPolicy(ike_encryption="GCMAES256", ike_integrity="SHA384", dh_group="ECP384",
                         ipsec_encryption="GCMAES256", ipsec_integrity="GCMAES256", pfs_group="ECP384",
                         sa_lifetime_seconds=3600)


    def program() -> None:
        hub = VpnGateway("hub", VpnGatewayArgs(address_space=["10.1.0.0/16"],
                                               subnets={"GatewaySubnet": "10.1.255.0/27"}))
        VpnSite("branch", VpnSiteArgs(gateway=hub, address_prefixes=["192.168.10.0/24"],
                                      gateway_ip_address="131.107.72.22",
                                      settings=ConnectionSettings(ipsec_policy=POLICY)))


    result = run_program(program, project="consumer", stack="test")
    connections = result.of_type("azure-native:network:VirtualNetworkGatewayConnection")
    print(json.dumps({
        "modules": [components.__file__, azvpn.engine.__file__],
        "connections": {c.name: c.inputs["ipsecPolicies"] for c in connections},
        "expected": POLICY.to_arm(),
    }))
''')


def _uv() -> str:
    # `uv run` (tasks.py) names its own binary in $UV; otherwise PATH or the one tasks.py installs.
    found = os.environ.get("UV") or shutil.which("uv") or str(ROOT / ".tools" / "bin" / "uv")
    if not Path(found).exists():
        pytest.fail("uv not found: run the tests with `python3 tasks.py test`, which installs it")
    return found


def _run(*command: str | Path, cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH"}}
    done = subprocess.run([str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, f"{command}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_wheel_installs_elsewhere_and_its_components_register_the_policy(tmp_path: Path) -> None:
    uv = _uv()
    dist, consumer = tmp_path / "dist", tmp_path / "consumer"
    consumer.mkdir()
    _run(uv, "build", "--wheel", "--quiet", "--out-dir", dist, ROOT, cwd=ROOT)
    (wheel,) = dist.glob("azure_ipsec_vpn-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert {"components/__init__.py", "components/rules/problems.py", "azvpn/engine.py", "azvpn/cli.py",
            "azvpn/PLAN_JSON.md"} <= set(names)
    assert not [n for n in names if n.startswith(("tests/", "policies/"))]

    # The locked versions as constraints: every wheel is already in uv's cache.
    constraints = tmp_path / "constraints.txt"
    _run(uv, "export", "--frozen", "--no-dev", "--no-emit-project", "--no-hashes", "--quiet",
         "--output-file", constraints, cwd=ROOT)
    venv = consumer / ".venv"
    _run(uv, "venv", "--quiet", "--python", sys.executable, venv, cwd=consumer)
    python = venv / "bin" / "python"
    _run(uv, "pip", "install", "--quiet", "--python", python, "--constraint", constraints, wheel, cwd=consumer)

    (consumer / "program.py").write_text(CONSUMER, encoding="utf-8")
    # -I: no PYTHONPATH, no user site, no script directory magic: only what the wheel installed.
    report = json.loads(_run(python, "-I", "program.py", cwd=consumer))
    for module in report["modules"]:
        assert Path(module).is_relative_to(venv), module
    assert report["connections"] == {"branch-connection-connection": [report["expected"]]}
    assert report["expected"]["ikeEncryption"] == "GCMAES256"

    # The console script came with it.
    assert "plan" in _run(venv / "bin" / "azvpn", "--help", cwd=consumer)
