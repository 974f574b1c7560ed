"""``--format json``: deterministic, versioned, and every key documented in PLAN_JSON.md."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from azvpn.engine import PlanResult
from azvpn.plan import plan_stack
from azvpn.plan_report import SCHEMA_VERSION, plan_document, render_json

from .conftest import ROOT

SCHEMA_DOC = ROOT / "azvpn" / "PLAN_JSON.md"
_ROW = re.compile(r"^\| `(?P<path>[^`]+)` \| (?P<type>[^|]+) \|")


def _documented() -> tuple[set[str], set[str]]:
    """(every documented path, the paths documented as free-form objects)."""
    paths: set[str] = set()
    opaque: set[str] = set()
    for line in SCHEMA_DOC.read_text(encoding="utf-8").splitlines():
        match = _ROW.match(line)
        if match:
            paths.add(match["path"])
            if "*object*" in match["type"]:
                opaque.add(match["path"])
    return paths, opaque


def _paths(value: Any, opaque: set[str], prefix: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else key
            yield path
            if path not in opaque:
                yield from _paths(item, opaque, path)
    elif isinstance(value, list):
        for item in value:
            yield from _paths(item, opaque, f"{prefix}[]")


def test_every_key_is_documented_and_every_documented_key_is_there(dev_document: dict[str, Any]) -> None:
    documented, opaque = _documented()
    assert len(documented) > 60  # the table was parsed, not skipped
    produced = set(_paths(dev_document, opaque))
    assert produced - documented == set(), "undocumented keys: add them to PLAN_JSON.md"
    assert documented - produced == set(), "documented keys the dev stack's plan does not produce"


def test_schema_version_is_the_documented_one(dev_document: dict[str, Any]) -> None:
    assert dev_document["schemaVersion"] == SCHEMA_VERSION == 1
    assert f"schema version {SCHEMA_VERSION}" in SCHEMA_DOC.read_text(encoding="utf-8")


def test_same_stack_same_bytes_across_runs(dev_plan: PlanResult) -> None:
    first = render_json(plan_document(dev_plan))
    # A second mock run: registration order inside the runtime is async, the output must not be.
    again = render_json(plan_document(plan_stack(ROOT, "dev")))
    assert first == again
    assert first.endswith("}\n") and json.loads(first)["stack"] == "dev"
    assert list(json.loads(first)) == sorted(json.loads(first))


def test_schema_doc_example_matches_the_dev_stack(dev_document: dict[str, Any]) -> None:
    # The jq example in PLAN_JSON.md, computed in Python: the doc must not drift from the output.
    expected = [f"{c['azureName']}\t{c['policySummary']}\t{len(c['findings'])} findings"
                for c in dev_document["connections"]]
    text = SCHEMA_DOC.read_text(encoding="utf-8")
    example = text[text.index("```text\n") + len("```text\n"):].split("```", 1)[0].splitlines()
    assert example == expected


def test_paths_helper_stops_at_free_form_objects() -> None:
    assert set(_paths({"a": {"b": [{"c": 1}]}, "o": {"x": 1}}, {"o"})) == {"a", "a.b", "a.b[].c", "o"}
