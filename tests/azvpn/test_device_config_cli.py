from __future__ import annotations

from pathlib import Path

import pytest

from azvpn.device_config_cli import IP_PLACEHOLDER, KEY_PLACEHOLDER, DeviceConfigRequest, render_site_device_config
from components.device_config import DeviceConfigError
from components.stack_config import ConfigError

ROOT = Path(__file__).resolve().parents[2]


def render(site: str = "Site6", vendor: str = "strongswan", **kwargs: str) -> str:
    return render_site_device_config(ROOT, "dev", DeviceConfigRequest(site, vendor, **kwargs))


def test_offline_config_uses_the_stack_policy_with_loud_placeholders() -> None:
    text = render()
    assert "proposals = aes256-sha384-modp2048s256" in text  # seed Part 3, strongSwan keywords
    assert "local_ts = 10.61.0.0/16,10.62.0.0/16" in text
    assert f"remote_addrs = {IP_PLACEHOLDER}" in text and f'secret = "{KEY_PLACEHOLDER}"' in text
    assert text.startswith("# Replace before use:")
    assert "192.0.2.254" not in text and "StandIn" not in text


def test_known_ip_and_key_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITE6_KEY", "AzureA1b2C3")
    text = render(vendor="cisco-iosxe", azure_gateway_ip="20.1.2.3", shared_key_env="SITE6_KEY")
    assert "address 20.1.2.3" in text and "pre-shared-key AzureA1b2C3" in text
    assert "Replace before use" not in text and IP_PLACEHOLDER not in text


def test_platform_that_cannot_express_the_policy_says_why() -> None:
    with pytest.raises(DeviceConfigError) as caught:
        render(vendor="paloalto-panos")  # PAN-OS has no DH group 24 (seed Part 3 uses it)
    assert "policy.dh_group" in str(caught.value) and "DHGroup24" in str(caught.value)


def test_unknown_site_vendor_and_unset_key_variable_are_reported_together(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOPE_KEY", raising=False)
    with pytest.raises(ConfigError) as caught:
        render(site="Site7", vendor="juniper", shared_key_env="NOPE_KEY")
    message = str(caught.value)
    assert "--site: got 'Site7'; allowed: Site6" in message
    assert "--vendor: got 'juniper'; allowed: strongswan, cisco-iosxe, paloalto-panos" in message
    assert "--shared-key-env: got 'NOPE_KEY'" in message


def test_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    from azvpn.cli import main

    assert main(["device-config", "-C", str(ROOT), "--site", "Site6", "--vendor", "cisco-iosxe"]) == 0
    out = capsys.readouterr().out
    assert "crypto ikev2 proposal azure-Site6" in out and "group 24" in out
    assert main(["device-config", "-C", str(ROOT), "--site", "Site6", "--vendor", "paloalto-panos"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "policy.dh_group: got 'DHGroup24'" in captured.err
