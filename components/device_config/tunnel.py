"""What every renderer derives from a ``DeviceSite``: proposals, selectors, lifetimes, DPD.

The renderers only spell things; the decisions live here once: which IKE/ESP proposals the
device offers (the custom policy, or Azure's documented defaults), which traffic selector
pairs it negotiates, how long its SAs live and how often it probes the peer. Keyword tables
(``KeywordTable``) turn Azure values into one platform's words, and report an Azure value the
platform lacks as a ``Problem`` instead of writing something else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Generic, TypeVar

from components import dh_groups
from components.device_config.site import DeviceConfigError, DeviceSite, site_problems
from components.ipsec_policy import IpsecPolicy
from components.rules import network_rules
from components.rules.problems import Problem

#: Azure's IKE (main mode) SA lifetime: fixed, not part of the custom policy
#: (Azure docs, vpn-gateway-ipsec-ike-requirements-include: "28,800 seconds").
IKE_LIFETIME_SECONDS: Final = 28800


@dataclass(frozen=True, slots=True)
class IkeProposal:
    """One IKE_SA proposal in Azure's words."""

    encryption: str
    """``IkeEncryption`` value."""
    integrity: str
    """``IkeIntegrity`` value; with GCM encryption it names the PRF (there is no separate MAC)."""
    dh_group: int
    """IANA group number (Azure's spellings folded by ``components.dh_groups``)."""

    @property
    def aead(self) -> bool:
        return self.encryption.startswith("GCMAES")


@dataclass(frozen=True, slots=True)
class EspProposal:
    """One CHILD_SA (ESP) proposal in Azure's words."""

    encryption: str
    """``IpsecEncryption`` value (``None`` = ESP NULL)."""
    integrity: str
    """``IpsecIntegrity`` value; equals ``encryption`` for GCM (Azure's pairing rule)."""
    pfs_group: int | None
    """IANA group used when a CHILD_SA is rekeyed (PFSMM resolved); ``None`` = no PFS."""

    @property
    def aead(self) -> bool:
        return self.encryption.startswith("GCMAES")


# Azure's default proposals for a route-based gateway, from Azure's "About VPN devices and
# IPsec/IKE parameters" page (MicrosoftDocs/azure-docs vpn-gateway-about-vpn-devices.md, 2023-10):
# main mode offers AES256/AES128/3DES with SHA1/SHA256, group 2 only; quick mode, "Azure
# Gateway as initiator", offers GCM-AES256, AES256-SHA1, 3DES-SHA1, AES256-SHA256,
# AES128-SHA1, 3DES-SHA256, all without PFS, and accepts all of those as responder.
# The device gets the AES subset: it works whichever side initiates, and leaves out 3DES
# (RFC 8221: SHOULD NOT for ESP). Group 2 cannot be avoided: it is Azure's only default group
# (RFC 8247: SHOULD NOT), which is why a custom policy is the better answer.
AZURE_DEFAULT_IKE_PROPOSALS: Final = (
    IkeProposal("AES256", "SHA1", 2),
    IkeProposal("AES256", "SHA256", 2),
    IkeProposal("AES128", "SHA1", 2),
    IkeProposal("AES128", "SHA256", 2),
)
AZURE_DEFAULT_ESP_PROPOSALS: Final = (
    EspProposal("GCMAES256", "GCMAES256", None),
    EspProposal("AES256", "SHA1", None),
    EspProposal("AES256", "SHA256", None),
    EspProposal("AES128", "SHA1", None),
)
#: Azure's default quick-mode SA lifetimes for a route-based gateway (same page).
AZURE_DEFAULT_CHILD_LIFETIME_SECONDS: Final = 27000
AZURE_DEFAULT_CHILD_LIFETIME_KILOBYTES: Final = 102400000


@dataclass(frozen=True, slots=True)
class SelectorPair:
    """One CHILD_SA's traffic selectors: on-premises prefixes <-> Azure prefixes."""

    onprem: tuple[str, ...]
    azure: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Tunnel:
    """Everything a renderer needs, decided once from a validated ``DeviceSite``."""

    site: DeviceSite
    ike_proposals: tuple[IkeProposal, ...]
    esp_proposals: tuple[EspProposal, ...]
    child_lifetime_seconds: int
    child_lifetime_kilobytes: int
    """0 = no volume limit (Azure's 0 KB)."""
    selector_pairs: tuple[SelectorPair, ...]
    """Route-based: one pair with every prefix; policy-based: one per (on-prem, Azure) pair."""
    ike_lifetime_seconds: int = IKE_LIFETIME_SECONDS

    @property
    def policy_based(self) -> bool:
        return self.site.use_policy_based_traffic_selectors

    @property
    def dpd_timeout_seconds(self) -> int:
        return self.site.dpd_timeout_seconds


def _policy_proposals(policy: IpsecPolicy) -> tuple[IkeProposal, EspProposal]:
    dh = policy.dh_group_number
    assert dh is not None  # site_problems refuses a policy without a main-mode group
    return (IkeProposal(policy.ike_encryption, policy.ike_integrity, dh),
            EspProposal(policy.ipsec_encryption, policy.ipsec_integrity, policy.pfs_group_number))


def selector_pairs(site: DeviceSite) -> tuple[SelectorPair, ...]:
    """The CHILD_SAs the device negotiates.

    Policy-based: one per (on-premises prefix, Azure prefix), as Azure requires with
    UsePolicyBasedTrafficSelectors (``network_rules.policy_based_selector_pairs``). Route-based:
    one CHILD_SA whose selectors list every prefix of each side (platforms with a tunnel
    interface propose any-to-any instead). A route-based Azure gateway proposes any-to-any
    and takes narrower selectors; the interop tests show the narrowing with strongSwan
    standing in for Azure, not with Azure itself.
    """
    if site.use_policy_based_traffic_selectors:
        pairs = network_rules.policy_based_selector_pairs(site.onprem_prefixes, site.azure_prefixes)
        return tuple(SelectorPair((onprem,), (azure,)) for onprem, azure in pairs)
    return (SelectorPair(tuple(site.onprem_prefixes), tuple(site.azure_prefixes)),)


def tunnel(vendor: str, site: DeviceSite) -> Tunnel:
    """The validated ``Tunnel`` of ``site``; ``DeviceConfigError`` lists every site problem."""
    problems = site_problems(site)
    if problems:
        raise DeviceConfigError(vendor, problems)
    if site.policy is None:
        return Tunnel(site, AZURE_DEFAULT_IKE_PROPOSALS, AZURE_DEFAULT_ESP_PROPOSALS,
                      AZURE_DEFAULT_CHILD_LIFETIME_SECONDS, AZURE_DEFAULT_CHILD_LIFETIME_KILOBYTES,
                      selector_pairs(site))
    ike, esp = _policy_proposals(site.policy)
    return Tunnel(site, (ike,), (esp,), site.policy.sa_lifetime_seconds,
                  site.policy.sa_data_size_kilobytes, selector_pairs(site))


# --- keyword tables ---------------------------------------------------------------------

K = TypeVar("K", str, int)


@dataclass(frozen=True)
class KeywordTable(Generic[K]):
    """One platform's keyword for each Azure value of one policy field.

    Algorithm tables are keyed by Azure's enum values; group tables by IANA group number,
    because Azure spells one group several ways (DHGroup14, DHGroup2048, PFS2048, PFS14) and
    ``components.dh_groups`` is the one place that folds them. A value missing from
    ``keywords`` is one the platform lacks: ``lookup`` reports it, never substitutes.
    """

    platform: str
    """Platform name as people say it (``PAN-OS``)."""
    field: str
    """The ``IpsecPolicy`` field the keys come from (``dh_group``)."""
    keywords: Mapping[K, str]
    missing_because: str
    """Why absent values cannot be rendered, with the source of the keyword list."""

    def supported_azure_values(self) -> str:
        """The Azure values this platform can render, in Azure's spelling."""
        names: list[str] = []
        for key in self.keywords:
            if isinstance(key, int):
                info = dh_groups.by_number(key)
                names += info.pfs_names if self.field == "pfs_group" else info.dh_names
            else:
                names.append(key)
        if self.field == "pfs_group":
            names = [dh_groups.NO_GROUP, *names, dh_groups.PFS_SAME_AS_MAIN_MODE]
        return ", ".join(names)

    def lookup(self, key: K, given: str, problems: list[Problem]) -> str:
        """The keyword for ``key``; if the platform lacks it, append a ``Problem`` for the
        policy field (``given`` is the value as the policy spells it) and return ``""``."""
        keyword = self.keywords.get(key)
        if keyword is not None:
            return keyword
        detail = f" (DH group {key})" if isinstance(key, int) else ""
        problems.append(Problem(
            rule="device.unsupported-algorithm", path=f"policy.{self.field}", value=given,
            allowed=self.supported_azure_values(),
            why=f"{self.platform} cannot express {given}{detail}: {self.missing_because} "
                "Rendering another algorithm would not match Azure, so change the policy or "
                "the platform."))
        return ""


def group_name(number: int | None, field: str) -> str:
    """How the policy spells a group, for messages (``DHGroup24``, ``PFS24``, ``None``)."""
    if number is None:
        return dh_groups.NO_GROUP
    info = dh_groups.by_number(number)
    return info.pfs_name if field == "pfs_group" else info.dh_name


def given_group(site: DeviceSite, field: str, number: int | None) -> str:
    """The policy's own spelling of a group field (``PFSMM`` stays ``PFSMM``)."""
    if site.policy is not None:
        return str(getattr(site.policy, field))
    return group_name(number, field)


# --- lifetimes and DPD ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Unit:
    """One unit a platform writes a lifetime in: its name, its size in the base unit (seconds
    or kilobytes) and the range the platform accepts in that unit."""

    name: str
    size: int
    low: int
    high: int


@dataclass(frozen=True, slots=True)
class Quantity:
    """A lifetime as one platform writes it: ``value`` ``unit``, with a note when the platform
    could not hold the exact value and a shorter one was chosen."""

    value: int
    unit: str
    note: str = ""


def shortest_fit(field: str, amount: int, units: Sequence[Unit], platform: str,
                 problems: list[Problem]) -> Quantity | None:
    """``amount`` (in the base unit) written in the first of ``units`` that holds it exactly.

    If none does, the longest value that is still shorter, with a note. Shorter is safe: SA
    lifetimes are local, each side rekeys on its own clock (Azure docs: "SA lifetimes are
    local specifications only"), and a shorter lifetime still keeps the limit the policy set
    on how much one key protects. A value below what the platform can hold at all is a
    ``Problem``: rendering it longer would break that limit.
    """
    for unit in units:
        if amount % unit.size == 0 and unit.low <= amount // unit.size <= unit.high:
            return Quantity(amount // unit.size, unit.name)
    candidates = [(min(amount // unit.size, unit.high) * unit.size, unit) for unit in units
                  if amount // unit.size >= unit.low]
    if not candidates:
        smallest = min(units, key=lambda u: u.low * u.size)
        problems.append(Problem(
            rule="device.lifetime-range", path=f"policy.{field}", value=amount,
            allowed=f"at least {smallest.low} {smallest.name} on {platform}",
            why=f"{platform} cannot hold an SA lifetime this short, and a longer one would let "
                "a key protect more than the policy allows."))
        return None
    best, unit = max(candidates, key=lambda candidate: candidate[0])
    ranges = ", ".join(f"{u.name} {u.low}-{u.high}" for u in units)
    note = (f"{platform} cannot hold {amount} exactly ({ranges}): {best} is the longest shorter "
            "value; SA lifetimes are local to each side, so rekeying a little earlier than "
            "Azure is harmless.")
    return Quantity(best // unit.size, unit.name, note)


def dpd_probe_interval(timeout_seconds: int, low: int, high: int) -> int:
    """How often the device probes Azure, from Azure's DPD timeout.

    IKEv2 liveness checks are local (RFC 7296 section 2.4): nothing is negotiated. A third of
    Azure's timeout lets the device notice a dead peer on the same time scale as Azure does,
    kept inside the platform's range.
    """
    return max(low, min(high, timeout_seconds // 3))
