"""One violation message: which resource, which field, what was given, why it is wrong, and
how to fix it. Built from the shared ``components.rules`` ``Problem`` wherever there is one,
so the pack and the components word a broken rule the same way."""

from __future__ import annotations

from dataclasses import dataclass

from components.rules.problems import Problem
from components.rules.strength import StrengthFinding
from vpn_policies.engine_props import Resource


@dataclass(frozen=True, slots=True)
class Violation:
    subject: str
    """The resource, e.g. ``VirtualNetworkGatewayConnection 'vnet1-to-site6'``."""
    detail: str
    """Field path, value given, what is allowed, and why (with its source)."""
    fix: str
    """What to change."""
    urn: str | None = None
    """For stack policies: the resource the engine attaches the violation to."""

    def message(self) -> str:
        return f"{self.subject}: {self.detail} Fix: {self.fix}"


def from_problem(resource: Resource, problem: Problem, fix: str, urn: str | None = None) -> Violation:
    """``fix`` is the rule's general advice; a problem's own suggestion is more precise."""
    if problem.suggestion and problem.show_value:
        fix = f"set {problem.path} to {problem.suggestion!r}."
    return Violation(resource.subject, problem.message(), fix, urn)


def from_finding(resource: Resource, path: str, finding: StrengthFinding) -> Violation:
    detail = f"{path}: {finding.value!r} is {finding.severity}. Why: {finding.reason}"
    return Violation(resource.subject, detail, f"use {finding.suggestion} at {path} (and on the peer device).")
