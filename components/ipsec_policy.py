"""``IpsecPolicy``: one custom IPsec/IKE policy, validated when it is made.

The eight parameters of ``New-AzIpsecPolicy`` in snake_case. A policy that exists is one
Azure accepts; ``assess()`` then says how strong it is. Conversions cover every place a
policy travels: azure-native ``IpsecPolicyArgs`` (to deploy), the ARM/azure-native
camelCase dict (to read a deployed policy back), and the PowerShell "Show" shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any, Final

from pulumi_azure_native import network

from components import dh_groups
from components.rules import ipsec_policy_rules as rules
from components.rules.problems import Problem, RuleViolation
from components.rules.strength import StrengthFinding, assess_values


class PolicyError(RuleViolation):
    """An IPsec/IKE policy Azure would reject; ``problems`` lists every broken rule."""


_FIELDS: Final = rules.ALGORITHM_FIELDS + rules.LIFETIME_FIELDS


def _plain(value: object) -> object:
    return value.value if isinstance(value, Enum) else value


@dataclass(frozen=True, eq=False, kw_only=True, slots=True)
class IpsecPolicy:
    """A custom IPsec/IKE policy for one Azure VPN connection.

    All six algorithm fields are required (Azure rejects a partial policy); each takes an
    ``pulumi_azure_native.network`` enum member or its string value. The two SA values are
    optional and default to Azure's defaults. Construction raises ``PolicyError`` listing
    every problem at once.
    """

    ike_encryption: str = ""
    """(Required) IKE (main mode, phase 1) encryption. Possible values: ``network.IkeEncryption``."""
    ike_integrity: str = ""
    """(Required) IKE integrity, also the PRF. SHA1/SHA256/SHA384/MD5 (GCM is refused by the service)."""
    dh_group: str = ""
    """(Required) Main-mode Diffie-Hellman group. Possible values: ``network.DhGroup``."""
    ipsec_encryption: str = ""
    """(Required) IPsec (quick mode, phase 2) encryption. Possible values: ``network.IpsecEncryption``."""
    ipsec_integrity: str = ""
    """(Required) IPsec integrity; must equal ``ipsec_encryption`` when either is GCM."""
    pfs_group: str = ""
    """(Required) Quick-mode PFS group; ``None`` disables PFS, ``PFSMM`` reuses main mode's."""
    sa_lifetime_seconds: int = rules.SA_LIFETIME_SECONDS_DEFAULT
    """(Optional) Quick-mode SA lifetime in seconds, 300-172799. Defaults to 27000."""
    sa_data_size_kilobytes: int = rules.SA_DATA_SIZE_KILOBYTES_DEFAULT
    """(Optional) Quick-mode SA volume in KB, 1024-2147483647, or 0 for none. Defaults to 102400000."""

    def __post_init__(self) -> None:
        values = {field: _plain(getattr(self, field)) for field in _FIELDS}
        problems = rules.policy_problems(values)
        if problems:
            raise PolicyError(problems, subject="IpsecPolicy")
        for field in rules.ALGORITHM_FIELDS:
            # Store the plain string so equality, hashing and YAML output never see enums.
            object.__setattr__(self, field, str(values[field]))

    # --- reading -----------------------------------------------------------------

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], path: str = "") -> IpsecPolicy:
        """A policy from any of its spellings: snake_case, ARM/azure-native camelCase
        (``ipsecPolicies[0]``), or the PowerShell "Show" shape (``SALifeTimeSeconds``...).

        Problems are reported with the keys as written in ``data``, under ``path``
        (``sites.Site6.policy.ikeEncryption``). Unknown keys are problems too.
        """
        spellings: dict[str, str] = {}
        for field in _FIELDS:
            for name in (field, rules.ARM_NAMES[field], rules.POWERSHELL_NAMES[field]):
                spellings[name.lower()] = field  # ARM matches property names case-insensitively
        values: dict[str, object] = {}
        written: dict[str, str] = {}
        problems: list[Problem] = []
        for key, value in data.items():
            target = spellings.get(key.lower()) if isinstance(key, str) else None
            if target is None:
                problems.append(Problem(
                    rule="policy.unknown-key", path=str(key), value=value,
                    allowed=", ".join(rules.ARM_NAMES[f] for f in _FIELDS),
                    why="it is not a parameter of an IPsec/IKE policy."))
                continue
            values[target] = value
            written[target] = key
        values.setdefault("sa_lifetime_seconds", rules.SA_LIFETIME_SECONDS_DEFAULT)
        values.setdefault("sa_data_size_kilobytes", rules.SA_DATA_SIZE_KILOBYTES_DEFAULT)
        key_style = rules.ARM_NAMES if any(k in rules.ARM_NAMES.values() for k in data) else None
        for problem in rules.policy_problems(values):
            key = written.get(problem.path) or (key_style or {}).get(problem.path, problem.path)
            problems.append(replace(problem, path=key))
        if problems:
            raise PolicyError([p.under(path) for p in problems], subject="IpsecPolicy")
        return cls(**{field: values[field] for field in _FIELDS})  # type: ignore[arg-type]

    # --- comparing ---------------------------------------------------------------

    def _effective(self) -> tuple[object, ...]:
        """What the two ends negotiate: group spellings folded, PFSMM resolved."""
        return (
            self.ike_encryption,
            self.ike_integrity,
            dh_groups.group_number(self.dh_group),
            self.ipsec_encryption,
            self.ipsec_integrity,
            dh_groups.group_number(self.pfs_group, self.dh_group),
            self.sa_lifetime_seconds,
            self.sa_data_size_kilobytes,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, IpsecPolicy):
            return NotImplemented
        return self._effective() == other._effective()

    def __hash__(self) -> int:
        return hash(self._effective())

    def changed_fields(self, other: IpsecPolicy) -> list[str]:
        """Fields whose effective value differs (``DHGroup14`` -> ``DHGroup2048`` is no change)."""
        mine, theirs = self._effective(), other._effective()
        return [field for field, a, b in zip(_FIELDS, mine, theirs, strict=True) if a != b]

    # --- judging -----------------------------------------------------------------

    def assess(self) -> list[StrengthFinding]:
        """Findings per RFC 8247/8221: ``forbidden`` (MUST NOT) and ``weak`` (SHOULD NOT etc.)."""
        return assess_values(self.algorithms())

    @property
    def pfs_group_number(self) -> int | None:
        """IANA group used for PFS at child SA rekey (``PFSMM`` resolved); ``None`` if no PFS."""
        return dh_groups.group_number(self.pfs_group, self.dh_group)

    @property
    def dh_group_number(self) -> int | None:
        return dh_groups.group_number(self.dh_group)

    # --- writing -----------------------------------------------------------------

    def algorithms(self) -> dict[str, str]:
        return {field: str(getattr(self, field)) for field in rules.ALGORITHM_FIELDS}

    def to_dict(self) -> dict[str, object]:
        """snake_case field -> value (plain strings and ints)."""
        return {field: getattr(self, field) for field in _FIELDS}

    def to_arm(self) -> dict[str, object]:
        """The ARM / azure-native camelCase shape of one ``ipsecPolicies`` entry."""
        return {rules.ARM_NAMES[field]: getattr(self, field) for field in _FIELDS}

    def to_args(self) -> network.IpsecPolicyArgs:
        """azure-native's typed input for ``VirtualNetworkGatewayConnection.ipsec_policies``."""
        return network.IpsecPolicyArgs(
            ike_encryption=self.ike_encryption,
            ike_integrity=self.ike_integrity,
            dh_group=self.dh_group,
            ipsec_encryption=self.ipsec_encryption,
            ipsec_integrity=self.ipsec_integrity,
            pfs_group=self.pfs_group,
            sa_life_time_seconds=self.sa_lifetime_seconds,
            sa_data_size_kilobytes=self.sa_data_size_kilobytes,
        )

    def to_show(self) -> dict[str, object]:
        """``$connection.IpsecPolicies`` as the seed shows it (Part 5 step 1), same key order."""
        return {name: getattr(self, field) for field, name in rules.POWERSHELL_NAMES.items()}

    def format_show(self) -> str:
        """The "Show" shape as PowerShell prints it, one ``Name : value`` line each."""
        show = self.to_show()
        width = max(len(name) for name in show)
        return "\n".join(f"{name:<{width}} : {value}" for name, value in show.items())

    def summary(self) -> str:
        """``IKE AES256/SHA384/DHGroup24 | IPsec AES256/SHA256/PFS None | 14400 s, 102400000 KB``."""
        pfs = "PFS None" if self.pfs_group == dh_groups.NO_GROUP else self.pfs_group
        return (f"IKE {self.ike_encryption}/{self.ike_integrity}/{self.dh_group} | "
                f"IPsec {self.ipsec_encryption}/{self.ipsec_integrity}/{pfs} | "
                f"{self.sa_lifetime_seconds} s, {self.sa_data_size_kilobytes} KB")

    def __str__(self) -> str:
        return self.summary()
