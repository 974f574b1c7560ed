"""``secure:`` config values: never decrypted, but a new ciphertext must show up as a change."""

from __future__ import annotations

from pathlib import Path

import yaml

from azvpn.stack_files import SECURE_PLACEHOLDER, read_stack_file, secure_placeholder


def _project(tmp_path: Path, shared_keys: dict[str, object]) -> Path:
    (tmp_path / "Pulumi.yaml").write_text("name: vpn\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text(yaml.safe_dump({"config": {"vpn:sharedKeys": shared_keys}}))
    return tmp_path


def test_placeholder_is_a_valid_key_shape_and_names_no_secret() -> None:
    placeholder = secure_placeholder("v1:AAAA:BBBB")
    assert placeholder.startswith(f"{SECURE_PLACEHOLDER}-")
    # Azure's shared key rule: 1-128 printable ASCII, so the program's checks pass on it.
    assert placeholder.isascii() and placeholder.isprintable() and len(placeholder) <= 128
    assert "AAAA" not in placeholder and "BBBB" not in placeholder


def test_same_ciphertext_same_placeholder_new_ciphertext_new_one() -> None:
    assert secure_placeholder("v1:one") == secure_placeholder("v1:one")
    assert secure_placeholder("v1:one") != secure_placeholder("v1:two")


def test_stack_file_marks_the_key_secret_and_tells_rotations_apart(tmp_path: Path) -> None:
    first = read_stack_file(_project(tmp_path, {"Site6": {"secure": "v1:first"}}), "dev")
    assert first.secret_keys == ("vpn:sharedKeys",)
    assert first.structured["vpn:sharedKeys"] == {"Site6": secure_placeholder("v1:first")}
    assert "v1:first" not in first.config["vpn:sharedKeys"]
    rotated = read_stack_file(_project(tmp_path, {"Site6": {"secure": "v1:second"}}), "dev")
    assert rotated.structured != first.structured
