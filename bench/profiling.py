"""Where a plan's time goes, from a cProfile dump of ``bench.worker --profile``.

Self time is grouped by who owns the code (this project, the Pulumi SDK, azure-native,
asyncio, the rest), and the SDK functions that expand aliases are counted, because they are
what the parent/child tree and azure-native's per-API-version aliases multiply.
"""

from __future__ import annotations

import pstats
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Final

#: (substring of the code's file path, owner), first match wins.
_OWNERS: Final = (
    ("/components/", "components (ours)"),
    ("/bench/", "bench program"),
    ("/azvpn/", "mock engine (azvpn)"),
    ("/pulumi_azure_native/", "azure-native SDK"),
    ("/pulumi_random/", "pulumi-random SDK"),
    ("/pulumi/", "pulumi SDK"),
    ("/asyncio/", "asyncio"),
    ("/google/protobuf/", "protobuf"),
    ("/grpc/", "grpc"),
)
#: SDK functions that build alias URNs (pulumi/resource.py, pulumi/runtime/resource.py).
ALIAS_FUNCTIONS: Final = ("collapse_alias_to_urn", "create_urn")


@dataclass(frozen=True, slots=True)
class ProfileSummary:
    total_seconds: float
    calls: int
    seconds_by_owner: dict[str, float]
    alias_calls: dict[str, int]
    apply_calls: int
    own_cumulative: list[tuple[str, float, int]]
    """This project's functions by cumulative time: (name, seconds, calls)."""
    validation: list[tuple[str, float, int]]
    """The rule entry points (``*_problems``): (name, cumulative seconds, calls)."""


def owner_of(filename: str) -> str:
    if filename == "~" or filename.startswith("<"):
        return "builtins"
    return next((owner for part, owner in _OWNERS if part in filename), "other stdlib")


def summarize(path: Path, top: int = 8) -> ProfileSummary:
    stats = pstats.Stats(str(path))
    raw = stats.stats  # type: ignore[attr-defined]  # pstats keeps its table untyped
    by_owner: Counter[str] = Counter()
    alias_calls: Counter[str] = Counter()
    apply_calls = 0
    own: list[tuple[str, float, int]] = []
    validation: list[tuple[str, float, int]] = []
    for (filename, line, function), (_, calls, self_time, cumulative, _) in raw.items():
        owner = owner_of(filename)
        by_owner[owner] += self_time
        if owner == "pulumi SDK" and function in ALIAS_FUNCTIONS:
            alias_calls[function] += calls
        if owner == "pulumi SDK" and function == "apply" and filename.endswith("output.py"):
            apply_calls += calls
        if owner == "components (ours)":
            name = f"{filename.split('/components/')[-1]}:{line}({function})"
            own.append((name, cumulative, calls))
            if function.endswith("_problems") and "/rules/" not in filename:
                validation.append((name, cumulative, calls))
    own.sort(key=lambda row: -row[1])
    return ProfileSummary(
        total_seconds=stats.total_tt,  # type: ignore[attr-defined]
        calls=stats.total_calls,  # type: ignore[attr-defined]
        seconds_by_owner=dict(by_owner.most_common()), alias_calls=dict(alias_calls), apply_calls=apply_calls,
        own_cumulative=own[:top], validation=sorted(validation, key=lambda row: -row[1]))
