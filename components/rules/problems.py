"""The one shape every rule reports in, so components, the CLI and the policy pack agree."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

Severity = Literal["error", "warning"]


def _show(value: object) -> str:
    if isinstance(value, str):
        return repr(value)
    if value is None:
        return "nothing"
    return f"{value!r} ({type(value).__name__})"


@dataclass(frozen=True, slots=True)
class Problem:
    """One broken rule: where, what was given, what is allowed, and why.

    ``path`` is the field path as the user wrote it (``sites.Site6.policy.ikeEncryption``);
    ``value`` is what was given and must never be a secret (rules about secrets pass
    ``show_value=False``).
    """

    rule: str
    path: str
    value: object
    allowed: str
    why: str
    suggestion: str | None = None
    show_value: bool = True
    severity: Severity = "error"

    def message(self) -> str:
        given = _show(self.value) if self.show_value else "a value (hidden: secret)"
        text = f"{self.path}: got {given}; allowed: {self.allowed}. Why: {self.why}"
        if self.suggestion:
            text += f" Did you mean {self.suggestion!r}?"
        return text

    def under(self, prefix: str) -> Problem:
        """The same problem with its path placed under ``prefix``."""
        return replace(self, path=f"{prefix}.{self.path}" if prefix else self.path)


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def warnings(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "warning"]


def render(problems: Sequence[Problem]) -> str:
    count = len(problems)
    head = "1 problem" if count == 1 else f"{count} problems"
    return head + ":\n" + "\n".join(f"  - {p.message()}" for p in problems)


class RuleViolation(ValueError):
    """Raised with every problem found at once; ``str()`` lists them one per line."""

    def __init__(self, problems: Iterable[Problem], subject: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.subject = subject
        body = render(self.problems)
        super().__init__(f"{subject}: {body}" if subject else body)


class TopologyError(RuleViolation):
    """A component or stack configuration Azure would reject; raised before anything is registered."""


