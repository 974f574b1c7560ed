"""Read a Pulumi project and a stack's config file the way the Pulumi CLI hands them to a program.

``Pulumi.<stack>.yaml`` keys are namespaced (``azure-ipsec-vpn:sites``); a key without a
namespace belongs to the project. Structured values reach the program as JSON strings.
``secure:`` values are never decrypted here: their key is marked secret and the value
replaced by a placeholder, so a plan shows where a secret goes without knowing it. The
placeholder ends in a digest of the ciphertext, so two plans can tell that a secret was
set anew (a key rotation) while neither knows the key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import yaml

#: Starts the stand-in for a ``secure:`` value: printable ASCII, so it passes the shape checks
#: a real key must. The rest is ``secure_placeholder(ciphertext)``.
SECURE_PLACEHOLDER: Final = "secure-value-not-decrypted"


def secure_placeholder(ciphertext: object) -> str:
    """The stand-in for one ``secure:`` value: the prefix plus 16 hex digits of the ciphertext's SHA-256.

    ``pulumi config set --secret`` encrypts with a fresh nonce, so a new ciphertext means the
    value was set again (rotated, or re-entered unchanged); the digest reveals no more than the
    ciphertext already committed next to it.
    """
    digest = hashlib.sha256(str(ciphertext).encode("utf-8")).hexdigest()[:16]
    return f"{SECURE_PLACEHOLDER}-{digest}"


class StackFileError(ValueError):
    """The project or stack file is missing or malformed."""


@dataclass(frozen=True)
class StackConfigFile:
    project: str
    stack: str
    config: dict[str, str]
    """Full key (``project:key``) -> the string the program receives (JSON for structures)."""
    secret_keys: tuple[str, ...]
    structured: dict[str, Any]
    """Full key -> the value as parsed from YAML (placeholders for secure values)."""


def _strip_secure(value: Any) -> tuple[Any, bool]:
    """Replace ``{secure: ...}`` anywhere in a value; report whether there was one."""
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            return secure_placeholder(value["secure"]), True
        found = False
        out: dict[str, Any] = {}
        for key, item in value.items():
            out[key], inner = _strip_secure(item)
            found |= inner
        return out, found
    if isinstance(value, list):
        items = [_strip_secure(v) for v in value]
        return [v for v, _ in items], any(s for _, s in items)
    return value, False


def _load_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StackFileError(f"{path.name}: not found in {path.parent}") from None
    except yaml.YAMLError as error:
        raise StackFileError(f"{path.name}: not valid YAML ({error})") from None


def project_name(project_dir: Path) -> str:
    data = _load_yaml(project_dir / "Pulumi.yaml")
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        raise StackFileError("Pulumi.yaml: `name` (the project name) is required")
    return str(data["name"])


def read_stack_file(project_dir: Path, stack: str, overrides: Mapping[str, Any] | None = None) -> StackConfigFile:
    """The config a program on ``stack`` would receive. ``overrides`` (full or project keys) win."""
    project = project_name(project_dir)
    data = _load_yaml(project_dir / f"Pulumi.{stack}.yaml") or {}
    if not isinstance(data, dict):
        raise StackFileError(f"Pulumi.{stack}.yaml: expected a mapping with a `config` key")
    raw = dict(data.get("config") or {})
    for key, value in (overrides or {}).items():
        raw[key] = value
    config: dict[str, str] = {}
    structured: dict[str, Any] = {}
    secret_keys: list[str] = []
    for key, value in raw.items():
        full = key if ":" in key else f"{project}:{key}"
        if value is None:
            continue
        plain, secret = _strip_secure(value)
        if secret:
            secret_keys.append(full)
        structured[full] = plain
        config[full] = plain if isinstance(plain, str) else json.dumps(plain)
    return StackConfigFile(project, stack, config, tuple(secret_keys), structured)


def project_config(stack_file: StackConfigFile) -> dict[str, Any]:
    """The project's own keys without namespace, as structures (for ``load_stack``)."""
    prefix = f"{stack_file.project}:"
    return {key[len(prefix):]: value for key, value in stack_file.structured.items() if key.startswith(prefix)}
