"""``azvpn check``: validate a stack's config and policies without building the resource graph.

The same ``load_stack`` the program runs first, on the config the CLI would hand it, so a
config that passes here passes there; no mock runtime, so it answers in the time it takes
to import the rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from azvpn.stack_files import project_config, read_stack_file
from components.ipsec_policy import IpsecPolicy
from components.stack_config import ConnectionConfig, StackSpec, load_stack

_INDENT = "    "


@dataclass(frozen=True)
class StackCheck:
    """A stack whose config passed every rule: its spec, with warnings."""

    project: str
    stack: str
    spec: StackSpec


def check_stack(project_dir: Path, stack: str = "dev") -> StackCheck:
    """Read ``Pulumi.<stack>.yaml`` as the CLI does and check it.

    Raises ``StackFileError`` (missing or malformed file) or ``ConfigError`` (every problem,
    each naming its key path).
    """
    stack_file = read_stack_file(project_dir.resolve(), stack)
    return StackCheck(stack_file.project, stack, load_stack(project_config(stack_file)))


def _policy_source(config: ConnectionConfig) -> str:
    if isinstance(config.policy, str):
        return f"policies.{config.policy}"
    return "inline" if config.policy is not None else "none"


def _connection_lines(path: str, ends: str, policy: IpsecPolicy | None, source: str) -> list[str]:
    lines = [f"{_INDENT}{path} ({ends})"]
    if policy is None:
        lines.append(f"{_INDENT * 2}policy    Azure's default proposals (no custom policy)")
        return lines
    lines.append(f"{_INDENT * 2}policy    {policy.summary()} ({source})")
    findings = policy.assess()
    for f in findings:
        lines.append(f"{_INDENT * 2}{f.severity:<9} {f.field}={f.value}: {f.reason} Use {f.suggestion}.")
    if not findings:
        lines.append(f"{_INDENT * 2}strength  no findings (RFC 8247/8221)")
    return lines


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def render_check(check: StackCheck) -> str:
    spec = check.spec
    gateways = len(spec.gateways) + len(spec.existing_gateways)
    connections = len(spec.sites) + 2 * len(spec.pairs)  # a pair is one connection each way
    lines = [f"{check.project}/{check.stack}: config is valid ({_count(gateways, 'gateway')}, "
             f"{_count(len(spec.sites), 'site')}, {_count(len(spec.pairs), 'pair')}: "
             f"{_count(connections, 'connection')}).", ""]
    lines.append("Warnings:" if spec.warnings else "Warnings: none")
    lines += [f"{_INDENT}warning: {problem.message()}" for problem in spec.warnings]
    lines += ["", f"Connections ({connections}):"]
    for name, site in spec.sites.items():
        lines += _connection_lines(f"sites.{name}", f"{site.gateway} -> site {name}",
                                   site.settings.ipsec_policy, _policy_source(site.config))
    for name, pair in spec.pairs.items():
        lines += _connection_lines(f"pairs.{name}", f"{pair.left} <-> {pair.right}, one connection each way",
                                   pair.settings.ipsec_policy, _policy_source(pair.config))
    return "\n".join(lines) + "\n"
