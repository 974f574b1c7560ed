"""The generated strongSwan config against a real IKEv2 peer that plays Azure.

Left namespace: ``render_device_config("strongswan", site)`` exactly as a user would get it
(it starts its own CHILD_SAs when loaded: ``start_action = start``). Right namespace: an
"Azure side" swanctl.conf written here from the same ``IpsecPolicy``, with keywords from
this module's own table (not the renderer's), that accepts ONLY that policy's proposals, as
an Azure gateway does once a custom policy is set: responder, route-based (0.0.0.0/0,
narrowed to what the device proposes) or policy-based (one child per prefix pair).

For every case of the policy matrix (tests/components/device_config/matrix.py):
  * the IKE_SA and the CHILD_SA(s) come up with exactly the policy's algorithms, read back
    from ``swanctl --list-sas`` on both sides, with the expected traffic selectors;
  * a UDP datagram crosses every selector pair, both ways;
  * a forced CHILD_SA rekey succeeds and the new SA carries the PFS group (or none);
  * the Azure side, changed in one parameter, makes the device fail with the expected IKE
    error (each case gets one field family, so every family is checked several times).

One pair of charon daemons serves the whole module (configs are swapped with
``swanctl --load-all``), which keeps the run short; the fixture removes the namespaces and
processes when the module ends, also after failures. Skipped with a reason on machines
without root/strongSwan, except under CI=true, where it fails instead (``require_interop``).
"""

from __future__ import annotations

import dataclasses
import ipaddress
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import pytest

from components.device_config import DeviceSite, render_device_config
from components.device_config.tunnel import (
    AZURE_DEFAULT_CHILD_LIFETIME_SECONDS,
    EspProposal,
    IkeProposal,
)
from components.ipsec_policy import IpsecPolicy
from tests.components.device_config.matrix import AZURE_PREFIXES, MATRIX, ONPREM_PREFIXES, MatrixCase

from .harness import (
    LEFT_PUBLIC_IP,
    RIGHT_PUBLIC_IP,
    ChildSa,
    IkePeers,
    IkeSa,
    PeerSpec,
    list_namespaces,
    require_interop,
)

pytestmark = pytest.mark.interop

# A key with characters swanctl.conf must escape, to prove the renderer's quoting.
SHARED_KEY = 'Azure"Key\\with #quotes{}'
AZURE_CONN = "onprem"

# --- the Azure side's own keyword table (shared/REFERENCE.md, "strongSwan") ---------------
# Kept apart from components.device_config.strongswan on purpose: if the renderer spelled an
# algorithm wrongly, the two sides would disagree here instead of agreeing on the same error.
ENCRYPTION = {"None": "null", "DES": "des", "DES3": "3des", "AES128": "aes128", "AES192": "aes192",
              "AES256": "aes256", "GCMAES128": "aes128gcm16", "GCMAES192": "aes192gcm16",
              "GCMAES256": "aes256gcm16"}
INTEGRITY = {"MD5": "md5", "SHA1": "sha1", "SHA256": "sha256", "SHA384": "sha384"}
GROUP = {1: "modp768", 2: "modp1024", 14: "modp2048", 19: "ecp256", 20: "ecp384", 24: "modp2048s256"}

# What `swanctl --list-sas` reports for each Azure value (strongSwan's algorithm names).
SA_ENCRYPTION = {"None": ("NULL", None), "DES": ("DES_CBC", None), "DES3": ("3DES_CBC", None),
                 "AES128": ("AES_CBC", 128), "AES192": ("AES_CBC", 192), "AES256": ("AES_CBC", 256),
                 "GCMAES128": ("AES_GCM_16", 128), "GCMAES192": ("AES_GCM_16", 192),
                 "GCMAES256": ("AES_GCM_16", 256)}
SA_INTEGRITY = {"MD5": "HMAC_MD5_96", "SHA1": "HMAC_SHA1_96", "SHA256": "HMAC_SHA2_256_128",
                "SHA384": "HMAC_SHA2_384_192"}
SA_PRF = {"MD5": "PRF_HMAC_MD5", "SHA1": "PRF_HMAC_SHA1", "SHA256": "PRF_HMAC_SHA2_256",
          "SHA384": "PRF_HMAC_SHA2_384"}
SA_GROUP = {1: "MODP_768", 2: "MODP_1024", 14: "MODP_2048", 19: "ECP_256", 20: "ECP_384", 24: "MODP_2048_256"}

# Azure's default proposals when it is the responder (About VPN devices, "Azure Gateway as
# responder"; main mode AES/3DES x SHA1/SHA256, group 2). Written out independently of the
# renderer's AES subset so the test proves the subset is accepted.
AZURE_DEFAULT_IKE = ("aes256-sha1-modp1024, aes256-sha256-modp1024, aes128-sha1-modp1024, "
                     "aes128-sha256-modp1024, 3des-sha1-modp1024, 3des-sha256-modp1024")
AZURE_DEFAULT_ESP = ("aes256gcm16, aes256-sha1, 3des-sha1, aes256-sha256, aes128-sha1, 3des-sha256, des-sha1, "
                     "aes256-sha1-modp768, aes256-sha1-modp1024, aes256-sha1-modp2048, aes128-sha256")


def ike_keyword(policy: IpsecPolicy) -> str:
    group = GROUP[policy.dh_group_number or 0]
    if policy.ike_encryption.startswith("GCM"):
        return f"{ENCRYPTION[policy.ike_encryption]}-prf{INTEGRITY[policy.ike_integrity]}-{group}"
    return f"{ENCRYPTION[policy.ike_encryption]}-{INTEGRITY[policy.ike_integrity]}-{group}"


def esp_keyword(policy: IpsecPolicy) -> str:
    parts = [ENCRYPTION[policy.ipsec_encryption]]
    if not policy.ipsec_encryption.startswith("GCM"):
        parts.append(INTEGRITY[policy.ipsec_integrity])
    if policy.pfs_group_number is not None:
        parts.append(GROUP[policy.pfs_group_number])
    return "-".join(parts)


def azure_side_conf(policy: IpsecPolicy | None, policy_based: bool, key: str = SHARED_KEY) -> str:
    """The Azure gateway as a responder that accepts only ``policy``'s proposals."""
    ike = AZURE_DEFAULT_IKE if policy is None else ike_keyword(policy)
    esp = AZURE_DEFAULT_ESP if policy is None else esp_keyword(policy)
    if policy_based:
        selectors = [(azure, onprem) for onprem in ONPREM_PREFIXES for azure in AZURE_PREFIXES]
    else:
        # Route-based: any-to-any, narrowed by charon to what the device proposes.
        selectors = [("0.0.0.0/0", "0.0.0.0/0")]
    children = "".join(f"""
            sel{index} {{
                local_ts = {local}
                remote_ts = {remote}
                esp_proposals = {esp}
            }}""" for index, (local, remote) in enumerate(selectors))
    escaped = key.replace("\\", "\\\\").replace('"', '\\"')
    return f"""connections {{
    {AZURE_CONN} {{
        version = 2
        local_addrs = {RIGHT_PUBLIC_IP}
        remote_addrs = {LEFT_PUBLIC_IP}
        proposals = {ike}
        local {{
            auth = psk
            id = {RIGHT_PUBLIC_IP}
        }}
        remote {{
            auth = psk
            id = {LEFT_PUBLIC_IP}
        }}
        children {{{children}
        }}
    }}
}}
secrets {{
    ike-onprem {{
        id = {LEFT_PUBLIC_IP}
        secret = "{escaped}"
    }}
}}
"""


def device_site(case: MatrixCase) -> DeviceSite:
    return DeviceSite(name=case.id, policy=case.policy, azure_gateway_ip=RIGHT_PUBLIC_IP,
                      onprem_public_ip=LEFT_PUBLIC_IP, onprem_prefixes=ONPREM_PREFIXES,
                      azure_prefixes=AZURE_PREFIXES, shared_key=SHARED_KEY,
                      use_policy_based_traffic_selectors=case.policy_based, dpd_timeout_seconds=45)


# --- harness helpers ------------------------------------------------------------------

Side = Literal["left", "right"]


@pytest.fixture(scope="module")
def peers() -> Iterator[IkePeers]:
    """Two charons for the whole module; both start with nothing loaded."""
    require_interop()
    harness = IkePeers(left=PeerSpec("", ONPREM_PREFIXES, "onprem"),
                       right=PeerSpec("", AZURE_PREFIXES, "azure"))
    with harness:
        yield harness
    # Cleanup is the harness's job; check it happened, failures included.
    assert not set(harness.namespaces.values()) & set(list_namespaces())
    assert not any(harness.owned_processes_alive().values())


def reset(peers: IkePeers) -> None:
    """Unload both configs and close every SA, so the next case starts from nothing."""
    for side in ("left", "right"):
        peers.load_config(side, "")
    for side in ("left", "right"):
        for sa in peers.list_sas(side):
            peers.terminate(sa.name, side=side, timeout=3)


def load_case(peers: IkePeers, onprem_conf: str, azure_conf: str) -> int:
    """Load the Azure side, then the device (which initiates on load); the left log offset
    from before the device started is returned, to read only this case's log."""
    reset(peers)
    peers.load_config("right", azure_conf)
    offset = peers.log_offset("left")
    peers.load_config("left", onprem_conf)
    return offset


def wait_for(peers: IkePeers, children: int, offset: int, timeout: float = 8.0,
             *, stop_on_error: bool = True) -> IkeSa | None:
    """The device's IKE_SA once it has ``children`` INSTALLED CHILD_SAs; ``None`` on timeout
    or, with ``stop_on_error``, as soon as the log shows an exchange failed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sas = [sa for sa in peers.list_sas("left") if sa.established]
        if sas and len(sas[0].installed_children()) >= children:
            return sas[0]
        log = peers.log("left", offset)
        if stop_on_error and ("NO_PROPOSAL_CHOSEN" in log or "AUTHENTICATION_FAILED" in log):
            time.sleep(0.3)  # let the remaining CHILD_SAs of a policy-based case finish too
            return None
        time.sleep(0.05)
    return None


def expected_pairs(case: MatrixCase) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """(on-prem TS, Azure TS) of each CHILD_SA the device should have."""
    if case.policy_based:
        return [((onprem,), (azure,)) for onprem in ONPREM_PREFIXES for azure in AZURE_PREFIXES]
    return [(ONPREM_PREFIXES, AZURE_PREFIXES)]


def proposals(case: MatrixCase) -> tuple[IkeProposal, EspProposal]:
    """What the SAs must show: the policy's, or (default case) what Azure prefers first
    among the device's offers (the device's first proposal, which Azure accepts)."""
    if case.policy is None:
        return IkeProposal("AES256", "SHA1", 2), EspProposal("GCMAES256", "GCMAES256", None)
    p = case.policy
    return (IkeProposal(p.ike_encryption, p.ike_integrity, p.dh_group_number or 0),
            EspProposal(p.ipsec_encryption, p.ipsec_integrity, p.pfs_group_number))


def assert_ike_sa(sa: IkeSa, ike: IkeProposal) -> None:
    assert sa.established and sa.version == 2
    assert (sa.encr_alg, sa.encr_keysize) == SA_ENCRYPTION[ike.encryption]
    assert sa.integ_alg == (None if ike.aead else SA_INTEGRITY[ike.integrity])
    assert sa.prf_alg == SA_PRF[ike.integrity]
    assert sa.dh_group == SA_GROUP[ike.dh_group]


def assert_child(child: ChildSa, esp: EspProposal) -> None:
    assert child.protocol == "ESP" and child.mode == "TUNNEL"
    assert (child.encr_alg, child.encr_keysize) == SA_ENCRYPTION[esp.encryption]
    assert child.integ_alg == (None if esp.aead else SA_INTEGRITY[esp.integrity])


NetworkPair = tuple[str, str]  # (on-premises prefix, Azure prefix)


def covers(selectors: tuple[str, ...], prefix: str) -> bool:
    """True when one of the traffic selectors contains ``prefix``."""
    net = ipaddress.IPv4Network(prefix)
    return any(net.subnet_of(ipaddress.IPv4Network(ts)) for ts in selectors)


def counters(peers: IkePeers, side: Side) -> dict[NetworkPair, tuple[int, int]]:
    """(packets in, packets out) per (on-prem, Azure) prefix pair, summed over the INSTALLED
    CHILD_SAs of ``side`` whose selectors cover that pair (one ``list-sas`` call)."""
    children = [c for c in peers.child_sas(side) if c.installed]
    result: dict[NetworkPair, tuple[int, int]] = {}
    for onprem in ONPREM_PREFIXES:
        for azure in AZURE_PREFIXES:
            local, remote = (onprem, azure) if side == "left" else (azure, onprem)
            chosen = [c for c in children if covers(c.local_ts, local) and covers(c.remote_ts, remote)]
            result[(onprem, azure)] = (sum(c.packets_in for c in chosen), sum(c.packets_out for c in chosen))
    return result


def first_host(prefix: str) -> str:
    return str(ipaddress.IPv4Network(prefix).network_address + 1)


def assert_traffic(peers: IkePeers, case: MatrixCase, pairs: list[NetworkPair]) -> None:
    """A datagram from on-prem to Azure crosses each of ``pairs`` (and one comes back on the
    first), through the CHILD_SA whose selectors cover that pair on both sides."""
    left_before, right_before = counters(peers, "left"), counters(peers, "right")
    for onprem, azure in pairs:
        there = peers.send_udp("left", first_host(onprem), first_host(azure))
        assert there.arrived, (case.id, onprem, azure, there)
    onprem, azure = pairs[0]
    back = peers.send_udp("right", first_host(azure), first_host(onprem))
    assert back.arrived, (case.id, azure, onprem, back)
    left_after, right_after = counters(peers, "left"), counters(peers, "right")
    for pair in pairs:
        assert left_after[pair][1] > left_before[pair][1], (case.id, pair, "device sent nothing")
        assert right_after[pair][0] > right_before[pair][0], (case.id, pair, "Azure side got nothing")
    assert left_after[pairs[0]][0] > left_before[pairs[0]][0], (case.id, pairs[0], "no reply arrived")


def traffic_pairs(case: MatrixCase) -> list[NetworkPair]:
    """Every pair when each has its own CHILD_SA; the two diagonal pairs when one carries all."""
    if case.policy_based:
        return [(onprem, azure) for onprem in ONPREM_PREFIXES for azure in AZURE_PREFIXES]
    return list(zip(ONPREM_PREFIXES, AZURE_PREFIXES, strict=True))


# --- the matrix -----------------------------------------------------------------------


@pytest.mark.parametrize("case", MATRIX, ids=[case.id for case in MATRIX])
def test_generated_config_interoperates(peers: IkePeers, case: MatrixCase) -> None:
    site = device_site(case)
    offset = load_case(peers, render_device_config("strongswan", site),
                       azure_side_conf(case.policy, case.policy_based))
    pairs = expected_pairs(case)
    sa = wait_for(peers, len(pairs), offset)
    assert sa is not None, peers.log("left", offset)[-4000:]
    ike, esp = proposals(case)

    # Exactly the policy's algorithms, on both sides.
    azure_sa = peers.ike_sa("right", AZURE_CONN)
    assert azure_sa is not None
    for side_sa in (sa, azure_sa):
        assert_ike_sa(side_sa, ike)
    children = sa.installed_children()
    assert sorted((c.local_ts, c.remote_ts) for c in children) == sorted(pairs)
    assert sorted((c.remote_ts, c.local_ts) for c in azure_sa.installed_children()) == sorted(pairs)
    expected_pfs = None if esp.pfs_group is None else SA_GROUP[esp.pfs_group]
    for side_children in (children, azure_sa.installed_children()):
        for child in side_children:
            assert_child(child, esp)
        # The CHILD_SA created with IKE_AUTH takes its keys from the IKE_SA, without PFS
        # (RFC 7296 1.2); every further one (policy-based pairs) uses CREATE_CHILD_SA and so
        # the PFS group.
        groups = sorted((c.dh_group or "" for c in side_children), key=bool)
        assert groups == ["", *[expected_pfs or ""] * (len(pairs) - 1)]

    assert_traffic(peers, case, traffic_pairs(case))

    # Forced rekey: CREATE_CHILD_SA is where the PFS group is used.
    rekey = peers.rekey_child("left", children[0].name)
    assert rekey.ok, rekey.log_excerpts
    assert rekey.new_child is not None and rekey.peer_new_child is not None
    assert rekey.new_child.dh_group == expected_pfs
    assert rekey.peer_new_child.dh_group == expected_pfs
    assert_child(rekey.new_child, esp)
    # Traffic now flows through the new SA (on the pair its selectors cover).
    new = rekey.new_child
    pair = next(p for p in traffic_pairs(case) if covers(new.local_ts, p[0]) and covers(new.remote_ts, p[1]))
    assert_traffic(peers, case, [pair])

    # Lifetimes the device asked for are the ones charon runs with (rekey_time).
    seconds = case.policy.sa_lifetime_seconds if case.policy else AZURE_DEFAULT_CHILD_LIFETIME_SECONDS
    rekey_in = rekey.new_child.raw.get("rekey-time")
    assert isinstance(rekey_in, str) and 0 < int(rekey_in) <= seconds


# --- one parameter off: the expected IKE error ------------------------------------------

FAMILIES = ("ike_encryption", "ike_integrity", "dh_group", "ipsec_encryption", "ipsec_integrity", "pfs_group")


def _other(current: str, choices: tuple[str, ...]) -> str:
    return next(choice for choice in choices if choice != current)


def mismatched(policy: IpsecPolicy, family: str) -> IpsecPolicy:
    """``policy`` with one field family changed to another valid value."""
    if family == "ike_encryption":
        return dataclasses.replace(policy, ike_encryption=_other(policy.ike_encryption, ("AES256", "AES128")))
    if family == "ike_integrity":
        return dataclasses.replace(policy, ike_integrity=_other(policy.ike_integrity, ("SHA256", "SHA384")))
    if family == "dh_group":
        # PFSMM follows the main-mode group: pin PFS so that only main mode changes.
        pfs = policy.pfs_group if policy.pfs_group != "PFSMM" else (
            {1: "PFS1", 2: "PFS2", 14: "PFS2048", 19: "ECP256", 20: "ECP384", 24: "PFS24"}[policy.dh_group_number or 0])
        new = "DHGroup14" if policy.dh_group_number != 14 else "ECP256"
        return dataclasses.replace(policy, dh_group=new, pfs_group=pfs)
    if family == "ipsec_encryption":
        if policy.ipsec_encryption.startswith("GCM"):  # AEAD: the pair changes together
            gcm = _other(policy.ipsec_encryption, ("GCMAES256", "GCMAES128"))
            return dataclasses.replace(policy, ipsec_encryption=gcm, ipsec_integrity=gcm)
        return dataclasses.replace(policy, ipsec_encryption=_other(policy.ipsec_encryption, ("AES256", "AES128")))
    if family == "ipsec_integrity":
        return dataclasses.replace(policy, ipsec_integrity=_other(policy.ipsec_integrity, ("SHA256", "SHA1")))
    # PFS on where it was off; otherwise off, or another group where 14 is in use.
    number = policy.pfs_group_number
    pfs = "PFS2048" if number is None else ("None" if number != 14 else "ECP384")
    return dataclasses.replace(policy, pfs_group=pfs)


def family_for(index: int, policy: IpsecPolicy) -> str:
    """Rotate the field families over the matrix; an AEAD ESP has no integrity to change alone."""
    family = FAMILIES[index % len(FAMILIES)]
    if family == "ipsec_integrity" and policy.ipsec_encryption.startswith("GCM"):
        return "ipsec_encryption"
    return family


MISMATCHES = [(case, family_for(i, case.policy)) for i, case in enumerate(MATRIX) if case.policy is not None]


@pytest.mark.parametrize(("case", "family"), MISMATCHES, ids=[f"{c.id}-{f}" for c, f in MISMATCHES])
def test_one_parameter_off_fails_with_expected_error(peers: IkePeers, case: MatrixCase, family: str) -> None:
    assert case.policy is not None
    azure_policy = mismatched(case.policy, family)
    assert azure_policy.changed_fields(case.policy), "the mutation must change the policy"
    offset = load_case(peers, render_device_config("strongswan", device_site(case)),
                       azure_side_conf(azure_policy, case.policy_based))
    pairs = expected_pairs(case)

    if family in ("ike_encryption", "ike_integrity", "dh_group"):
        # IKE_SA_INIT: the responder finds no acceptable IKE proposal.
        assert wait_for(peers, len(pairs), offset) is None
        log = peers.log("left", offset)
        assert "received NO_PROPOSAL_CHOSEN notify error" in log, log[-3000:]
        assert not any(sa.established for sa in peers.list_sas("left"))
        return
    if family in ("ipsec_encryption", "ipsec_integrity"):
        # IKE_AUTH: the IKE_SA comes up, every CHILD_SA is refused.
        assert wait_for(peers, len(pairs), offset) is None
        log = peers.log("left", offset)
        assert "received NO_PROPOSAL_CHOSEN notify, no CHILD_SA built" in log, log[-3000:]
        sas = peers.list_sas("left")
        assert any(sa.established for sa in sas)
        assert not any(sa.installed_children() for sa in sas)
        return
    # PFS: not used in IKE_AUTH, so the first CHILD_SA comes up and carries traffic...
    sa = wait_for(peers, 1, offset, stop_on_error=False)
    assert sa is not None, peers.log("left", offset)[-3000:]
    if case.policy_based:
        # ...but every further pair is negotiated with CREATE_CHILD_SA, which uses PFS, so
        # those fail at once with the same error.
        refused = "received NO_PROPOSAL_CHOSEN notify, no CHILD_SA built"
        assert peers.wait_for_log("left", f"(?s)({refused}.*){{{len(pairs) - 1}}}", since=offset) is not None
        sa = peers.ike_sa("left", sa.name)
        assert sa is not None and len(sa.installed_children()) == 1
    child = sa.installed_children()[0]
    assert peers.send_udp("left", first_host(child.local_ts[0]), first_host(child.remote_ts[0])).arrived
    # ...and the forced rekey fails.
    rekey = peers.rekey_child("left", child.name, timeout=5)
    assert rekey.requested and not rekey.ok and rekey.failure_logged
    assert "received NO_PROPOSAL_CHOSEN notify, no CHILD_SA built" in rekey.log_excerpts["left"]
    assert "CHILD_SA rekeying failed" in rekey.log_excerpts["left"]


def test_wrong_shared_key_fails_authentication(peers: IkePeers) -> None:
    case = MATRIX[0]
    offset = load_case(peers, render_device_config("strongswan", device_site(case)),
                       azure_side_conf(case.policy, case.policy_based, key="not-the-key"))
    assert wait_for(peers, 1, offset) is None
    assert "AUTHENTICATION_FAILED" in peers.log("left", offset)
    assert not any(sa.established for sa in peers.list_sas("left"))


def test_golden_strongswan_configs_load(peers: IkePeers) -> None:
    """The hand-reviewed golden files parse in charon as they are (load_config raises on any
    swanctl error, including the syntax errors swanctl 5.9 reports with exit status 0)."""
    reset(peers)
    golden = Path(__file__).parents[1] / "components" / "device_config" / "golden" / "strongswan"
    files = sorted(golden.glob("*.conf"))
    assert files
    for path in files:
        output = peers.load_config("left", path.read_text())
        assert "loaded connection 'azure-Site6'" in output, output
    reset(peers)
