"""``azvpn diff`` output: Markdown for a pull-request comment, JSON for tools.

Both read only a ``StackDiff`` (secrets already masked in ``azvpn.diff``) and are
deterministic: no timestamps, no paths of temporary directories, everything sorted, so the
same change gives byte-identical output and the workflow can compare or update a comment.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any, Final

from azvpn.diff import (
    AZURE_DEFAULTS,
    SCHEMA_VERSION,
    ComponentChange,
    Note,
    PolicyChange,
    PropertyChange,
    StackDiff,
)
from components.device_config import VENDORS
from components.ipsec_policy import IpsecPolicy
from components.rules.ipsec_policy_rules import ARM_NAMES
from components.rules.strength import StrengthFinding

#: First line of every Markdown report: the workflow finds its own comment by it and edits
#: that comment instead of adding another one on each push.
MARKER: Final = "<!-- azvpn-diff -->"
#: GitHub refuses comments over 65536 characters; leave room for the workflow's own lines.
COMMENT_LIMIT: Final = 60000
#: More rows than this go inside a collapsed <details> block.
_OPEN_ROWS: Final = 5

_KIND_WORDS: Final = {"add": "+ add", "remove": "- remove", "update": "~ update", "replace": "+- replace"}
_VERDICT_WORDS: Final = {
    "stronger": "✅ stronger", "weaker": "⚠️ **weaker**", "same": "➖ same strength", "new": "🆕 new connection",
    "removed": "🗑️ connection removed", "unknown": "❔ cannot judge",
}
_CHANGE_WORDS: Final = {"added": "connection added", "removed": "connection removed", "changed": "policy changed"}
_LEVEL_WORDS: Final = {"danger": "🛑", "warning": "⚠️", "info": "ℹ️"}


# --- JSON ---------------------------------------------------------------------------------------


def _finding(finding: StrengthFinding) -> dict[str, str]:
    return {"field": ARM_NAMES.get(finding.field, finding.field), "value": finding.value,
            "severity": finding.severity, "reason": finding.reason, "suggestion": finding.suggestion}


def _policy_side(policy: IpsecPolicy | None, findings: Iterable[StrengthFinding]) -> dict[str, Any]:
    return {"policy": policy.to_arm() if policy is not None else None,
            "summary": policy.summary() if policy is not None else None,
            "findings": [_finding(f) for f in findings]}


def _property(change: PropertyChange) -> dict[str, Any]:
    return {"path": change.path, "base": change.old, "head": change.new, "secret": change.secret,
            "replaces": change.replaces, "why": change.why}


def diff_document(diff: StackDiff) -> dict[str, Any]:
    """The diff as JSON-ready data (``schemaVersion`` 1)."""
    weaker = {p.urn for p in diff.weaker()}
    verdicts: dict[str, int] = {}
    for policy in diff.policies:
        verdicts[policy.verdict] = verdicts.get(policy.verdict, 0) + 1
    return {
        "schemaVersion": SCHEMA_VERSION,
        "project": diff.project,
        "stack": diff.stack,
        "base": diff.base,
        "head": diff.head,
        "summary": {**diff.counts(), "policies": dict(sorted(verdicts.items())), "failOnWeaker": bool(weaker)},
        "components": [{
            "type": component.type, "name": component.name, "status": component.status,
            "resources": [{"kind": r.kind, "type": r.type, "name": r.name, "urn": r.urn,
                           "properties": [_property(p) for p in r.properties]} for r in component.resources],
        } for component in diff.components],
        "connections": [{
            "connection": p.connection, "resource": p.resource, "urn": p.urn, "site": p.site, "pair": p.pair,
            "change": p.change, "verdict": p.verdict, "reason": p.reason, "failsOnWeaker": p.urn in weaker,
            "fields": [{"field": f.field, "base": f.old, "head": f.new} for f in p.fields],
            "base": _policy_side(p.old, p.old_findings), "head": _policy_side(p.new, p.new_findings),
            "appearedForbidden": [_finding(f) for f in p.appeared_forbidden],
        } for p in diff.policies],
        "notes": [{"level": n.level, "subject": n.subject, "text": n.text, "command": n.command}
                  for n in diff.notes],
        "changedConnections": sorted(diff.changed_connections),
    }


def render_json(diff: StackDiff) -> str:
    return json.dumps(diff_document(diff), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# --- Markdown -----------------------------------------------------------------------------------


def _code(value: object, cell: bool = True) -> str:
    """A Markdown code span; in a table ``cell`` pipes are escaped (GFM splits cells before code spans)."""
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, ensure_ascii=False)
    text = text.replace("\n", " ")
    if cell:
        text = text.replace("|", "\\|")
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


_ARM_ID: Final = re.compile(r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/[^/]+/(.+)$")


def _value(value: object) -> str:
    """An input value for a table cell; ARM IDs shortened to their type and name (the JSON keeps them whole)."""
    if value is None:
        return "—"
    if isinstance(value, str) and (match := _ARM_ID.match(value)):
        return _code(f"…/{match[1]}")
    return _code(value)


def _details(summary: str, body: list[str]) -> list[str]:
    while body and not body[-1]:
        body = body[:-1]
    return [f"<details><summary>{summary}</summary>", "", *body, "", "</details>"]


def _where(policy: PolicyChange, cell: bool = True) -> str:
    if policy.site:
        return f"site {_code(policy.site, cell)}"
    if policy.pair:
        return f"pair {_code(policy.pair, cell)}"
    return "—"


def _marked(policy: IpsecPolicy | None, field: str, value: object, findings: Iterable[StrengthFinding]) -> str:
    """A policy value, with its RFC finding when it has one (``SHA1`` -> ``SHA1`` (weak))."""
    if value is None:
        return AZURE_DEFAULTS if policy is None else "—"
    for finding in findings:
        if ARM_NAMES.get(finding.field) == field and finding.value == value:
            return f"{_code(value)} ({finding.severity})"
    return _code(value)


def _policy_section(diff: StackDiff, policy: PolicyChange) -> list[str]:
    lines = [f"#### {_code(policy.connection, False)} ({_where(policy, False)}): {_VERDICT_WORDS[policy.verdict]}",
             ""]
    # A policy set or removed is all fields at once; its before/after lines say it better.
    if policy.change == "changed" and policy.fields and policy.old is not None and policy.new is not None:
        lines += [f"| field | {_code(diff.base)} | {_code(diff.head)} |", "|---|---|---|"]
        for field in policy.fields:
            lines.append(f"| {field.field} | {_marked(policy.old, field.field, field.old, policy.old_findings)} "
                         f"| {_marked(policy.new, field.field, field.new, policy.new_findings)} |")
        lines.append("")
    before = policy.old.summary() if policy.old else AZURE_DEFAULTS
    after = policy.new.summary() if policy.new else AZURE_DEFAULTS
    if policy.change == "changed":
        lines += [f"- before: {_code(before, cell=False) if policy.old else before}",
                  f"- after: {_code(after, cell=False) if policy.new else after}"]
    elif policy.change == "added":
        lines.append(f"- policy: {_code(after, cell=False) if policy.new else after}")
    else:
        lines.append(f"- policy: {_code(before, cell=False) if policy.old else before}")
    lines.append(f"- why: {policy.reason}")
    for finding in policy.appeared_forbidden:
        name = ARM_NAMES.get(finding.field, finding.field)
        lines.append(f"- 🛑 forbidden: {_code(f'{name}={finding.value}', False)}: "
                     f"{finding.reason} Use {finding.suggestion}.")
    return [*lines, ""]


def _policies(diff: StackDiff) -> list[str]:
    if not diff.policies:
        return []
    lines = ["### IPsec/IKE policies", "", "| connection | where | change | verdict |", "|---|---|---|---|"]
    for policy in diff.policies:
        lines.append(f"| {_code(policy.connection)} | {_where(policy)} | {_CHANGE_WORDS[policy.change]} "
                     f"| {_VERDICT_WORDS[policy.verdict]} |")
    lines.append("")
    sections = [line for policy in diff.policies for line in _policy_section(diff, policy)]
    if len(diff.policies) > _OPEN_ROWS:
        return [*lines, *_details(f"Policy details ({len(diff.policies)} connections)", sections), ""]
    return [*lines, *sections]


def _note(note: Note) -> str:
    text = f"- {_LEVEL_WORDS[note.level]} **{note.subject}**: {note.text}"
    if note.command:
        text += f" Render its device config: {_code(note.command, False)}"
    return text


def _notes(diff: StackDiff, danger: bool) -> list[str]:
    if danger:
        loud = [n for n in diff.notes if n.level == "danger"]
        # GitHub renders this as a red "Caution" box, the loudest thing a comment can say; it
        # goes first, above everything else.
        return ["> [!CAUTION]", *[f"> 🛑 **{n.subject}**: {n.text}" for n in loud], ""] if loud else []
    rest = [n for n in diff.notes if n.level != "danger"]
    if not rest:
        return []
    lines = ["### What operators must do", "", *[_note(n) for n in rest], ""]
    if any(n.command for n in diff.notes):
        lines += [f"`<vendor>`: one of {', '.join(_code(v, False) for v in VENDORS)}.", ""]
    return lines


def _properties(properties: Iterable[PropertyChange]) -> str:
    cells = []
    for change in properties:
        text = f"{_code(change.path)}: {_value(change.old)} → {_value(change.new)}"
        if change.secret:
            text = f"{_code(change.path)}: changed (secret, value not shown)"
        if change.replaces:
            text += " **(forces replacement)**"
        cells.append(text)
    return "<br>".join(cells)


def _component(component: ComponentChange) -> list[str]:
    status = {"added": " (added)", "removed": " (removed)", "changed": ""}[component.status]
    lines = [f"**{component.short_type} {_code(component.name, False)}**{status}", "",
             "| change | resource | type | inputs |", "|---|---|---|---|"]
    for resource in component.resources:
        lines.append(f"| {_KIND_WORDS[resource.kind]} | {_code(resource.name)} | {resource.short_type} "
                     f"| {_properties(resource.properties) or '—'} |")
    return [*lines, ""]


def _summary_line(diff: StackDiff) -> str:
    counts = diff.counts()
    parts = [f"{counts['add']} to add", f"{counts['remove']} to remove", f"{counts['update']} to update",
             f"{counts['replace']} to replace"]
    verdicts: dict[str, int] = {}
    for policy in diff.policies:
        verdicts[policy.verdict] = verdicts.get(policy.verdict, 0) + 1
    text = f"{_code(diff.base, False)} → {_code(diff.head, False)} · **{' · '.join(parts)}**"
    if verdicts:
        text += " · policies: " + ", ".join(f"{n} {verdict}" for verdict, n in sorted(verdicts.items()))
    return text


def render_markdown(diff: StackDiff, topology: str | None = None) -> str:
    """The PR comment. ``topology`` is Mermaid source (unfenced) drawn under "Topology"."""
    head = [MARKER, f"## VPN changes in stack {_code(diff.stack, False)}", ""]
    footer = ["<sub>`azvpn diff`: both sides planned offline under mocks (no cloud access); values Azure "
              "assigns on apply show as (known after apply); secret values are never shown.</sub>"]
    if diff.empty:
        return "\n".join([*head, f"No VPN changes between {_code(diff.base, False)} and {_code(diff.head, False)}.", "",
                          *footer]) + "\n"
    body = [_summary_line(diff), "", *_notes(diff, danger=True), *_policies(diff), *_notes(diff, danger=False)]
    if topology:
        body += ["### Topology", "", "Connections this change adds or modifies are drawn as thick arrows.", "",
                 "```mermaid", topology.rstrip("\n"), "```", ""]
    resources = [line for component in diff.components for line in _component(component)]
    count = len(diff.resource_changes())
    listing = _details(f"Resource changes by component ({count})", resources)
    text = "\n".join([*head, *body, *listing, "", *footer]) + "\n"
    if len(text) > COMMENT_LIMIT:
        listing = [f"_{count} resource changes: too many to list here; run `azvpn diff` locally._"]
        text = "\n".join([*head, *body, *listing, "", *footer]) + "\n"
    return text

