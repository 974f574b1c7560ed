"""Issue 8 benchmarks: ``python -m bench.run [--sizes 1,10] [--repeat 3]`` prints the tables.

1. Plan time: the hub topology (one hub gateway, N sites with policies, three meshed regional
   gateways with three VNet pairs) planned by the components and by a hand-written azure-native
   program, each measurement in a fresh interpreter, variants interleaved so that load from
   other processes falls on all of them alike. Medians of ``--repeat`` runs.
2. Deploy critical path of the components' plans, next to the seed's serial walkthrough.
3. Blast radius of one policy change, one key rotation and one DPD change on one site.
4. A cProfile summary of one components plan and one raw plan.

Numbers only: nothing here asserts a timing. It does stop if the programs being compared do
not register the same resources (then the comparison would mean nothing).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from azvpn.engine import PlanResult, run_program
from azvpn.plan import plan_stack
from bench import component_program
from bench.blast_radius import blast_radius
from bench.critical_path import critical_path, format_duration
from bench.equivalence import assert_same_resources
from bench.profiling import summarize
from bench.topology import hub_topology, one_site_changes
from bench.worker import VARIANTS
from components import resource_types as types

ROOT = Path(__file__).resolve().parent.parent
#: What each variant is, for the table legend.
LEGEND = {
    "components": "this library (VpnGateway, VpnSite, VNetPair), as users write it",
    "raw": "the same resources hand-written with azure-native typed Args, no parents",
    "raw-parented": "raw, plus empty components as parents (same URNs): the SDK's cost of the tree",
    "components-noalias": "components plus the same filter as a stack transformation (a no-op since the "
                          "components drop those aliases themselves)",
    "raw-noalias": "raw with azure-native's API-version aliases dropped, as the components do (bench.aliases)",
    "raw-parented-noalias": "raw-parented with the same aliases dropped: the tree's cost without them",
}
MIB = 1024 * 1024


@dataclass
class Measurement:
    variant: str
    sites: int
    runs: list[dict[str, Any]] = field(default_factory=list)
    heap_peak_bytes: int | None = None

    def median(self, key: str) -> float:
        return statistics.median(float(run[key]) for run in self.runs)

    @property
    def total_s(self) -> float:
        return statistics.median(float(run["import_s"]) + float(run["plan_s"]) for run in self.runs)


def machine() -> dict[str, str]:
    """What the numbers were measured on (README: nproc, memory, CPU model, Python, SDKs)."""
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor() or "unknown")
    memory_kib = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal"))
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "components"], cwd=ROOT, capture_output=True, text=True)
    return {
        "cpu": f"{model}, {os.cpu_count()} logical CPUs (nproc)",
        "memory": f"{memory_kib / 1024 / 1024:.1f} GiB",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "sdks": ", ".join(f"{name} {metadata.version(name)}" for name in
                          ("pulumi", "pulumi-azure-native", "pulumi-random")),
        "commit": commit.stdout.strip() + (" (components/ modified)" if dirty.stdout.strip() else ""),
        "load": "load average " + " ".join(f"{load:.2f}" for load in os.getloadavg()),
    }


def _worker(variant: str, sites: int, *extra: str) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.worker", "--variant", variant, "--sites", str(sites), *extra]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def measure(sizes: Sequence[int], variants: Sequence[str], repeat: int, memory: bool,
            dumps: Path) -> dict[int, dict[str, Measurement]]:
    results: dict[int, dict[str, Measurement]] = {}
    for sites in sizes:
        row = {v: Measurement(v, sites) for v in variants}
        for rep in range(repeat):
            # Rotate the order each repetition so no variant always runs first (cold caches) or
            # always follows the heaviest one.
            order = list(variants[rep % len(variants):]) + list(variants[:rep % len(variants)])
            for variant in order:
                extra = ["--dump", str(dumps / f"{variant}-{sites}.pickle")] if rep == 0 else []
                row[variant].runs.append(_worker(variant, sites, *extra))
                print(f"  N={sites:<3} {variant:<18} run {rep + 1}/{repeat}: "
                      f"plan {row[variant].runs[-1]['plan_s']:.2f} s", file=sys.stderr)
        if memory:
            for variant in variants:
                row[variant].heap_peak_bytes = _worker(variant, sites, "--trace-memory")["heap_peak_bytes"]
        _check_equivalent(sites, variants, dumps)
        results[sites] = row
    return results


def load_plan(dumps: Path, variant: str, sites: int) -> PlanResult:
    plan: PlanResult = pickle.loads((dumps / f"{variant}-{sites}.pickle").read_bytes())
    return plan


def _check_equivalent(sites: int, variants: Sequence[str], dumps: Path) -> None:
    reference = variants[0]
    for variant in variants[1:]:
        # Raises AssertionError with every difference: the comparison would be meaningless.
        count = assert_same_resources(load_plan(dumps, reference, sites), load_plan(dumps, variant, sites))
    print(f"  N={sites}: all variants register the same {count} custom resources with the same inputs",
          file=sys.stderr)


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "-"


def plan_time_table(results: dict[int, dict[str, Measurement]]) -> list[str]:
    lines = ["| N sites | variant | registered | import s | plan s | plan CPU s | import+plan s | plan vs raw "
             "| peak RSS MiB | plan heap peak MiB |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for sites, row in results.items():
        raw = row.get("raw")
        for variant, m in row.items():
            heap = f"{m.heap_peak_bytes / MIB:.1f}" if m.heap_peak_bytes is not None else "-"
            versus = _ratio(m.median("plan_s"), raw.median("plan_s")) if raw else "-"
            lines.append(
                f"| {sites} | {variant} | {m.runs[0]['resources']} | {m.median('import_s'):.2f} "
                f"| {m.median('plan_s'):.2f} | {m.median('plan_cpu_s'):.2f} | {m.total_s:.2f} | {versus} "
                f"| {m.median('rss_peak_kib') / 1024:.0f} | {heap} |")
    return lines


def ratio_table(results: dict[int, dict[str, Measurement]]) -> list[str]:
    # The components drop azure-native's API-version aliases themselves (components.version_aliases),
    # so the like-for-like baselines for the library's own code are the -noalias raw variants.
    pairs = [("components", "raw", "components / raw as users write it (target <= 1.10x)"),
             ("components", "raw-noalias", "components / raw-noalias (like for like)"),
             ("components", "raw-parented-noalias", "library code: components / raw-parented-noalias"),
             ("raw-parented-noalias", "raw-noalias", "component tree alone, without version aliases"),
             ("raw-parented", "raw", "component tree alone, with version aliases"),
             ("raw", "raw-noalias", "version aliases alone: raw / raw-noalias"),
             ("components-noalias", "components", "stack transformation on top: components-noalias / components")]
    lines = ["| ratio (medians) | " + " | ".join(f"N={n} plan (CPU)" for n in results) + " |",
             "|---|" + "---:|" * len(results)]
    for top, bottom, label in pairs:
        cells = []
        for row in results.values():
            if top in row and bottom in row:
                cells.append(f"{_ratio(row[top].median('plan_s'), row[bottom].median('plan_s'))} "
                             f"({_ratio(row[top].median('plan_cpu_s'), row[bottom].median('plan_cpu_s'))})")
            else:
                cells.append("-")
        if any(cell != "-" for cell in cells):
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def critical_path_table(sizes: Sequence[int], dumps: Path, variant: str) -> list[str]:
    lines = ["| N sites | custom resources | critical path | gateways on it | seed walkthrough (serial) "
             "| if Azure serialized connections per gateway |",
             "|---:|---:|---:|---:|---:|---:|"]
    longest = None
    for sites in sizes:
        plan = load_plan(dumps, variant, sites)
        path = critical_path(plan)
        longest = path
        lines.append(f"| {sites} | {sum(r.custom for r in plan.resources)} | {format_duration(path.seconds)} "
                     f"| {len(path.gateways)} | {format_duration(path.serial_seconds)} "
                     f"| {format_duration(path.gateway_serialized_seconds)} |")
    if longest is not None:
        lines += ["", f"Critical path at N={sizes[-1]}: {longest.chain()}"]
        if longest.unknown_types:
            lines.append(f"Types without a duration (assumed 30 s): {sorted(longest.unknown_types)}")
    # The seed's own topology (two gateways, Site6, the VNet1-VNet2 pair) from the dev stack.
    seed = critical_path(plan_stack(ROOT, "dev"))
    lines += ["", f"The seed's topology (Pulumi.dev.yaml): critical path {format_duration(seed.seconds)} with "
                  f"{len(seed.gateways)} gateway on it; the seed's step-by-step walkthrough "
                  f"{format_duration(seed.serial_seconds)}."]
    return lines


def blast_radius_table(sites: int) -> list[str]:
    # In-process: run_program resets the SDK's runtime state between plans.
    topology = hub_topology(sites, explicit_keys=True)
    site = topology.sites[len(topology.sites) // 2].name
    before = run_program(component_program.program(topology), project="bench", stack="bench")
    infrastructure = {types.VPN_GATEWAY, types.PUBLIC_IP, types.VIRTUAL_NETWORK, types.LOCAL_NETWORK_GATEWAY,
                      types.RESOURCE_GROUP}
    lines = [f"{sites}-site plan ({len(before.resources)} resources), change on {site}:", "",
             "| change | resources that differ | which (fields) | gateways, IPs, VNets, LNGs touched | target |",
             "|---|---:|---|---:|---|"]
    for label, changed in one_site_changes(topology, site).items():
        changes = blast_radius(before, run_program(component_program.program(changed),
                                                   project="bench", stack="bench"))
        touched = [c for c in changes if c.type in infrastructure]
        expected = [c.name for c in changes] == [f"{site}-connection-connection"]
        which = "; ".join(f"{c.name} ({', '.join(c.fields) or c.kind})" for c in changes)
        lines.append(f"| {label} | {len(changes)} | {which} | {len(touched)} | {'met' if expected else 'NOT MET'} |")
    return lines


def profile_section(sites: int, dumps: Path) -> list[str]:
    lines = [f"cProfile of one plan at N={sites} (profiler overhead inflates every number alike):", ""]
    for variant in ("components", "raw"):
        path = dumps / f"{variant}-{sites}.prof"
        _worker(variant, sites, "--profile", str(path))
        summary = summarize(path)
        owners = ", ".join(f"{owner} {seconds:.2f} s" for owner, seconds in summary.seconds_by_owner.items()
                           if seconds >= 0.005)
        lines.append(f"- {variant}: {summary.total_seconds:.2f} s, {summary.calls:,} calls; self time by owner: "
                     f"{owners}. Alias URN calls: {summary.alias_calls}; Output.apply calls: "
                     f"{summary.apply_calls:,}.")
        if summary.own_cumulative:
            lines.append("  - our functions by cumulative time (includes the SDK calls they make): " + "; ".join(
                f"{name} {seconds:.3f} s x{calls}" for name, seconds, calls in summary.own_cumulative))
        if summary.validation:
            lines.append("  - validation entry points: " + "; ".join(
                f"{name} {seconds * 1000:.1f} ms x{calls}" for name, seconds, calls in summary.validation))
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,10,50,100", help="comma-separated site counts (1-100)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per variant and size (median)")
    parser.add_argument("--variants", default=",".join(VARIANTS),
                        help=f"comma-separated, first is the reference; known: {', '.join(VARIANTS)}")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc runs (one per variant)")
    parser.add_argument("--blast-sites", type=int, default=50, help="plan size for the blast radius; 0 skips it")
    parser.add_argument("--profile-sites", type=int, default=10, help="plan size to profile; 0 skips it")
    parser.add_argument("--json", type=Path, help="also write every measurement here")
    args = parser.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown or "components" not in variants:
        parser.error(f"variants must include components and be among {sorted(VARIANTS)}; got {unknown or variants}")
    variants.remove("components")
    variants.insert(0, "components")

    info = machine()
    started = time.perf_counter()
    print("# Benchmarks (issue 8)\n")
    for key, value in info.items():
        print(f"- {key}: {value}")
    with tempfile.TemporaryDirectory(prefix="azvpn-bench-") as tmp:
        dumps = Path(tmp)
        results = measure(sizes, variants, args.repeat, not args.no_memory, dumps)
        print(f"\n## 1. Plan time (median of {args.repeat} fresh processes; wall seconds unless CPU)\n")
        for variant in variants:
            print(f"- {variant}: {LEGEND[variant]}")
        print()
        print("\n".join(plan_time_table(results)))
        print()
        print("\n".join(ratio_table(results)))
        print("\n## 2. Deploy critical path (components plans)\n")
        print("\n".join(critical_path_table(sizes, dumps, "components")))
        if args.blast_sites:
            print("\n## 3. Blast radius of one change\n")
            print("\n".join(blast_radius_table(args.blast_sites)))
        if args.profile_sites:
            print("\n## 4. Profile\n")
            print("\n".join(profile_section(args.profile_sites, dumps)))
    print(f"\n(bench took {time.perf_counter() - started:.0f} s; at the end: {machine()['load']})")
    if args.json is not None:
        args.json.write_text(json.dumps({
            "machine": info, "repeat": args.repeat,
            "results": {str(n): {v: asdict(m) for v, m in row.items()} for n, row in results.items()},
        }, indent=2))


if __name__ == "__main__":
    main()
