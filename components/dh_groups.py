"""The Diffie-Hellman groups a custom IPsec/IKE policy can name, as data.

Azure spells one IANA group in several ways: main mode (``DhGroup``) and quick mode
(``PfsGroup``) use different enums, and group 14 has two names in each
(``DHGroup14``/``DHGroup2048``, ``PFS2048``/``PFS14``). Everything that compares or
renders groups goes through this table so that those spellings are one group.

Source: the seed's "Diffie-Hellman Groups" table (Part 2), plus ``PFS14`` which the
seed uses in Part 4 and the API accepts; IANA "Transform Type 4" registry for numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

#: Azure's spelling of "no Diffie-Hellman exchange" in both enums.
NO_GROUP: Final = "None"
#: ``PfsGroup`` value meaning "the same group as main mode".
PFS_SAME_AS_MAIN_MODE: Final = "PFSMM"


@dataclass(frozen=True, slots=True)
class DhGroupInfo:
    """One IANA Diffie-Hellman group and every Azure name for it."""

    number: int
    """IANA transform type 4 number (RFC 7296, RFC 5114, RFC 5903)."""
    dh_names: tuple[str, ...]
    """``DhGroup`` (main mode) values; the first is the canonical spelling."""
    pfs_names: tuple[str, ...]
    """``PfsGroup`` (quick mode) values; the first is the canonical spelling."""
    family: Literal["MODP", "ECP"]
    bits: int
    """Modulus or curve size in bits."""
    key_length: str
    """The seed's wording, e.g. ``2048-bit MODP``."""

    @property
    def dh_name(self) -> str:
        return self.dh_names[0]

    @property
    def pfs_name(self) -> str:
        return self.pfs_names[0]


DH_GROUPS: Final[tuple[DhGroupInfo, ...]] = (
    DhGroupInfo(1, ("DHGroup1",), ("PFS1",), "MODP", 768, "768-bit MODP"),
    DhGroupInfo(2, ("DHGroup2",), ("PFS2",), "MODP", 1024, "1024-bit MODP"),
    DhGroupInfo(14, ("DHGroup14", "DHGroup2048"), ("PFS2048", "PFS14"), "MODP", 2048, "2048-bit MODP"),
    DhGroupInfo(19, ("ECP256",), ("ECP256",), "ECP", 256, "256-bit ECP"),
    DhGroupInfo(20, ("ECP384",), ("ECP384",), "ECP", 384, "384-bit ECP"),
    # RFC 5114 §2.3: 2048-bit MODP with a 256-bit prime order subgroup.
    DhGroupInfo(24, ("DHGroup24",), ("PFS24",), "MODP", 2048, "2048-bit MODP (256-bit subgroup)"),
)

_BY_NUMBER: Final = {group.number: group for group in DH_GROUPS}
_BY_DH_NAME: Final = {name: group for group in DH_GROUPS for name in group.dh_names}
_BY_PFS_NAME: Final = {name: group for group in DH_GROUPS for name in group.pfs_names}


def by_number(number: int) -> DhGroupInfo:
    """The group with IANA number ``number``; ``KeyError`` names the supported numbers."""
    try:
        return _BY_NUMBER[number]
    except KeyError:
        supported = ", ".join(str(n) for n in sorted(_BY_NUMBER))
        raise KeyError(f"DH group {number} is not offered by Azure (supported: {supported})") from None


def dh_group(name: str) -> DhGroupInfo | None:
    """The group behind a ``DhGroup`` value; ``None`` for ``"None"``; ``KeyError`` if unknown."""
    if name == NO_GROUP:
        return None
    return _BY_DH_NAME[name]


def pfs_group(name: str, main_mode: str | None = None) -> DhGroupInfo | None:
    """The group behind a ``PfsGroup`` value.

    ``PFSMM`` means "as main mode", so it resolves through ``main_mode`` (a ``DhGroup``
    value); without one it raises ``ValueError`` because the group is not knowable.
    """
    if name == NO_GROUP:
        return None
    if name == PFS_SAME_AS_MAIN_MODE:
        if main_mode is None:
            raise ValueError("PFSMM uses the main-mode group: pass main_mode to resolve it")
        return dh_group(main_mode)
    return _BY_PFS_NAME[name]


def group_number(name: str, main_mode: str | None = None) -> int | None:
    """IANA number of a ``DhGroup`` or ``PfsGroup`` value; ``None`` means no DH exchange."""
    info = dh_group(name) if name in _BY_DH_NAME or name == NO_GROUP else pfs_group(name, main_mode)
    return None if info is None else info.number


def equivalent(a: str, b: str, main_mode: str | None = None) -> bool:
    """True when two group names (``DhGroup`` or ``PfsGroup`` spellings) are one group.

    ``equivalent("DHGroup14", "PFS14")`` is true; ``PFSMM`` compares through ``main_mode``.
    """
    return group_number(a, main_mode) == group_number(b, main_mode)


def known_names() -> frozenset[str]:
    """Every group name in the table, both enums, plus ``None`` and ``PFSMM``."""
    return frozenset(_BY_DH_NAME) | frozenset(_BY_PFS_NAME) | {NO_GROUP, PFS_SAME_AS_MAIN_MODE}
