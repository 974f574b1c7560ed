"""One measurement in a fresh interpreter: ``python -m bench.worker --variant raw --sites 10``.

Run by ``bench.run`` once per measurement, so every number starts from a cold process:
import time counts, peak RSS is this variant's alone, and no cache of an earlier run helps.
Prints one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pickle
import resource
import sys
import time
import tracemalloc
from pathlib import Path

from bench.topology import hub_topology

#: variant -> (program module, keyword arguments of its ``program``).
VARIANTS: dict[str, tuple[str, dict[str, bool]]] = {
    "components": ("bench.component_program", {}),
    "raw": ("bench.raw_program", {}),
    "raw-parented": ("bench.raw_program", {"parented": True}),
    "components-noalias": ("bench.component_program", {"without_version_aliases": True}),
    "raw-noalias": ("bench.raw_program", {"without_version_aliases": True}),
    "raw-parented-noalias": ("bench.raw_program", {"parented": True, "without_version_aliases": True}),
}


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _load_sdk_modules() -> None:
    """Load the SDK modules both programs use, so the import phase is the same work for both.

    ``pulumi_azure_native.network`` is a lazy module: the first attribute read loads all of
    it (about 1-2 s here). The components read SDK enums at import time, the raw program only
    at its first resource; without this the same cost would land in "import" for one variant
    and in "plan" for the other.
    """
    import pulumi_random
    from pulumi_azure_native import network, resources

    _ = (network.VirtualNetworkGatewayConnection, resources.ResourceGroup, pulumi_random.RandomPassword)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--variant", choices=sorted(VARIANTS), required=True)
    parser.add_argument("--sites", type=int, required=True)
    parser.add_argument("--explicit-keys", action="store_true")
    parser.add_argument("--trace-memory", action="store_true",
                        help="measure the plan's Python heap peak with tracemalloc (slows the plan: "
                             "never combined with timing)")
    parser.add_argument("--dump", type=Path, help="pickle the planned resources here (for the equivalence check)")
    parser.add_argument("--profile", type=Path, help="write cProfile stats of the plan here")
    args = parser.parse_args(argv)

    started, cpu_started = time.perf_counter(), _cpu_seconds()
    # Timed from here: the program's imports are part of what a `pulumi preview` pays.
    module_name, options = VARIANTS[args.variant]
    program_module = importlib.import_module(module_name)
    from azvpn.engine import run_program
    _load_sdk_modules()
    if options.get("without_version_aliases"):
        # The raw program imports the filter lazily (it lives in components); load it here so
        # the plan phase does not carry an import.
        importlib.import_module("bench.aliases")
    imported, cpu_imported = time.perf_counter(), _cpu_seconds()
    rss_after_import = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    program = program_module.program(hub_topology(args.sites, explicit_keys=args.explicit_keys), **options)
    if args.trace_memory:
        tracemalloc.start()
    if args.profile is not None:
        import cProfile
        profiler = cProfile.Profile()
        plan = profiler.runcall(run_program, program, project="bench", stack="bench")
        profiler.dump_stats(str(args.profile))
    else:
        plan = run_program(program, project="bench", stack="bench")
    planned, cpu_planned = time.perf_counter(), _cpu_seconds()
    heap_peak = tracemalloc.get_traced_memory()[1] if args.trace_memory else None
    tracemalloc.stop()

    if args.dump is not None:
        args.dump.write_bytes(pickle.dumps(plan))
    json.dump({
        "variant": args.variant, "sites": args.sites,
        "import_s": imported - started, "plan_s": planned - imported,
        "import_cpu_s": cpu_imported - cpu_started, "plan_cpu_s": cpu_planned - cpu_imported,
        # ru_maxrss is in KiB on Linux (getrusage(2)).
        "rss_import_kib": rss_after_import, "rss_peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "heap_peak_bytes": heap_peak,
        "resources": len(plan.resources), "custom": sum(r.custom for r in plan.resources),
        "warnings": len(plan.warnings()),
    }, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
