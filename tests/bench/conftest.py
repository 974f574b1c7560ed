"""Plans shared by the bench tests: each (program, size, keys) is planned once per session.

Small topologies on purpose: the structural targets (one gateway on the critical path, a
change touches one connection) do not depend on N, and every plan costs about a second.
"""

from __future__ import annotations

from functools import cache

from azvpn.engine import PlanResult, run_program
from bench import component_program, raw_program
from bench.topology import Topology, hub_topology

#: The "many sites" size for tests: more than one site per policy preset, still fast.
MANY = 6


def plan_topology(topology: Topology, variant: str = "components") -> PlanResult:
    if variant == "components":
        program = component_program.program(topology)
    elif variant == "components-noalias":
        program = component_program.program(topology, without_version_aliases=True)
    elif variant == "raw":
        program = raw_program.program(topology)
    elif variant == "raw-parented":
        program = raw_program.program(topology, parented=True)
    else:
        raise ValueError(variant)
    return run_program(program, project="bench", stack="test")


@cache
def hub_plan(sites: int, variant: str = "components", explicit_keys: bool = False) -> PlanResult:
    """A plan of ``hub_topology(sites)``; cached, so tests share it (plans are never mutated)."""
    return plan_topology(hub_topology(sites, explicit_keys=explicit_keys), variant)
