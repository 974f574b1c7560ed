"""Tests of the IKEv2 interop harness itself, with small hand-written swanctl configs.

Two PSK-authenticated IKEv2 peers: left "onprem" (192.0.2.1, 10.61.0.0/16) and right
"azure" (192.0.2.2, 10.11.0.0/16). They prove that the harness can tell a working pair of
configs from broken ones in the ways later interop tests rely on:

* matching proposals: SAs come up with exactly the configured algorithms, traffic crosses,
  a forced CHILD_SA rekey succeeds (and then carries the PFS group);
* IKE proposal mismatch: IKE_SA_INIT fails with NO_PROPOSAL_CHOSEN;
* PFS mismatch: the first CHILD_SA comes up (PFS is not used in IKE_AUTH) but the rekey fails;
* cleanup: no namespace, charon process or temp dir survives, even after an exception or a
  failed startup.

Skipped where the harness cannot run (no root / no strongSwan); under CI=true they fail
instead, because CI must run them (install with .ci/install-strongswan.sh).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from textwrap import dedent

import pytest

from .harness import (
    HarnessError,
    IkePeers,
    PeerSpec,
    Side,
    list_namespaces,
    parse_pretty_vici,
    require_interop,
)

pytestmark = pytest.mark.interop

ONPREM_PREFIXES = ("10.61.0.0/16",)
AZURE_PREFIXES = ("10.11.0.0/16",)
PSK = "harness-test-psk-not-a-secret"


def swanctl_conf(
    *,
    conn: str,
    local_ip: str,
    remote_ip: str,
    local_ts: str,
    remote_ts: str,
    ike_proposals: str,
    esp_proposals: str,
    child: str = "tunnel",
) -> str:
    """A minimal IKEv2 PSK site-to-site swanctl.conf (strongSwan docs: swanctl.conf)."""
    return dedent(
        f"""\
        connections {{
            {conn} {{
                version = 2
                local_addrs = {local_ip}
                remote_addrs = {remote_ip}
                proposals = {ike_proposals}
                local {{
                    auth = psk
                    id = {local_ip}
                }}
                remote {{
                    auth = psk
                    id = {remote_ip}
                }}
                children {{
                    {child} {{
                        local_ts = {local_ts}
                        remote_ts = {remote_ts}
                        esp_proposals = {esp_proposals}
                        start_action = none
                    }}
                }}
            }}
        }}
        secrets {{
            ike-peer {{
                id-1 = {local_ip}
                id-2 = {remote_ip}
                secret = "{PSK}"
            }}
        }}
        """
    )


def make_peers(
    *,
    left_ike: str = "aes256-sha256-modp2048",
    left_esp: str = "aes256-sha256-modp2048",
    right_ike: str = "aes256-sha256-modp2048",
    right_esp: str = "aes256-sha256-modp2048",
) -> IkePeers:
    """onprem (left, initiator in these tests) <-> azure (right)."""
    left = PeerSpec(
        swanctl_conf=swanctl_conf(
            conn="azure",
            local_ip="192.0.2.1",
            remote_ip="192.0.2.2",
            local_ts=",".join(ONPREM_PREFIXES),
            remote_ts=",".join(AZURE_PREFIXES),
            ike_proposals=left_ike,
            esp_proposals=left_esp,
        ),
        protected_prefixes=ONPREM_PREFIXES,
        label="onprem",
    )
    right = PeerSpec(
        swanctl_conf=swanctl_conf(
            conn="onprem",
            local_ip="192.0.2.2",
            remote_ip="192.0.2.1",
            local_ts=",".join(AZURE_PREFIXES),
            remote_ts=",".join(ONPREM_PREFIXES),
            ike_proposals=right_ike,
            esp_proposals=right_esp,
        ),
        protected_prefixes=AZURE_PREFIXES,
        label="azure",
    )
    return IkePeers(left=left, right=right)


@pytest.fixture(scope="module")
def matching() -> Iterator[IkePeers]:
    """Peers with identical proposals, IKE + CHILD SA established from the left."""
    require_interop()
    with make_peers() as peers:
        result = peers.initiate("tunnel", "azure", timeout=10)
        assert result.ok, result.output + peers.log("left")
        yield peers


# ---- pure parsing (runs everywhere) -------------------------------------------------


def test_parse_pretty_vici_handles_sections_lists_and_spaces() -> None:
    text = dedent(
        """\
        list-sa event {
          conn {
            local-id = C=CH, O=strongSwan, CN=moon
            child-sas {
              tunnel-1 {
                name = tunnel
                local-ts = [
                  10.61.0.0/16
                  10.62.0.0/16
                ]
              }
            }
          }
        }
        list-sas reply {
        }
        """
    )
    parsed = parse_pretty_vici(text)
    assert [name for name, _ in parsed] == ["list-sa event", "list-sas reply"]
    conn = parsed[0][1]["conn"]
    assert isinstance(conn, dict)
    assert conn["local-id"] == "C=CH, O=strongSwan, CN=moon"
    child_sas = conn["child-sas"]
    assert isinstance(child_sas, dict)
    assert child_sas["tunnel-1"] == {"name": "tunnel", "local-ts": ["10.61.0.0/16", "10.62.0.0/16"]}


# ---- (1) matching proposals -----------------------------------------------------------


def test_matching_proposals_report_exact_algorithms(matching: IkePeers) -> None:
    cases: tuple[tuple[Side, str], ...] = (("left", "azure"), ("right", "onprem"))
    for side, conn in cases:
        ike = matching.ike_sa(side, conn)
        assert ike is not None, f"no IKE_SA {conn} on {side}"
        assert ike.established and ike.version == 2
        # aes256-sha256-modp2048: strongSwan derives the PRF from the integrity keyword.
        assert (ike.encr_alg, ike.encr_keysize) == ("AES_CBC", 256)
        assert ike.integ_alg == "HMAC_SHA2_256_128"
        assert ike.prf_alg == "PRF_HMAC_SHA2_256"
        assert ike.dh_group == "MODP_2048"
        children = ike.installed_children("tunnel")
        assert len(children) == 1, children
        child = children[0]
        assert child.protocol == "ESP" and child.mode == "TUNNEL"
        assert (child.encr_alg, child.encr_keysize) == ("AES_CBC", 256)
        assert child.integ_alg == "HMAC_SHA2_256_128"
        # The CHILD_SA created with IKE_AUTH uses no PFS group (RFC 7296 1.2), even though
        # modp2048 is in esp_proposals: it only appears after a CREATE_CHILD_SA rekey.
        assert child.dh_group is None
        local, remote = (ONPREM_PREFIXES, AZURE_PREFIXES) if side == "left" else (AZURE_PREFIXES, ONPREM_PREFIXES)
        assert child.local_ts == local and child.remote_ts == remote
        # kernel-libipsec only does ESP-in-UDP (see harness docstring).
        assert child.encap


def test_matching_proposals_datagram_crosses_both_ways(matching: IkePeers) -> None:
    there = matching.send_udp("left")
    assert there.arrived, there
    assert there.received_from == "10.61.0.1" and there.dst_ip == "10.11.0.1"
    assert there.counters_increased, there
    back = matching.send_udp("right", payload=b"reply")
    assert back.arrived and back.counters_increased, back


def test_matching_proposals_forced_child_rekey_succeeds(matching: IkePeers) -> None:
    result = matching.rekey_child("left", "tunnel")
    assert result.ok, result.log_excerpts
    assert not result.failure_logged
    assert result.new_child is not None and result.peer_new_child is not None
    # The rekeyed SA was negotiated with CREATE_CHILD_SA, so now the PFS group shows.
    assert result.new_child.dh_group == "MODP_2048"
    assert result.peer_new_child.dh_group == "MODP_2048"
    # Traffic uses the new SA.
    assert matching.send_udp("left").arrived


# ---- (2) IKE proposal mismatch ------------------------------------------------------------


def test_ike_proposal_mismatch_fails_with_no_proposal_chosen() -> None:
    require_interop()
    with make_peers(right_ike="aes128-sha1-modp1024") as peers:
        result = peers.initiate("tunnel", "azure", timeout=5)
        assert not result.ok, result.output
        # Initiator: the responder's notify in IKE_SA_INIT. Responder: its own refusal.
        assert "NO_PROPOSAL_CHOSEN" in peers.log("left")
        assert peers.wait_for_log("right", r"no acceptable proposal found|NO_PROP") is not None
        assert not any(sa.established for sa in peers.list_sas("left"))


# ---- (3) PFS group mismatch --------------------------------------------------------------


def test_pfs_mismatch_establishes_but_rekey_fails() -> None:
    require_interop()
    with make_peers(left_esp="aes256-sha256-modp2048", right_esp="aes256-sha256-ecp256") as peers:
        result = peers.initiate("tunnel", "azure", timeout=10)
        assert result.ok, "PFS is not negotiated in IKE_AUTH, so the first CHILD_SA must come up"
        assert peers.send_udp("left").arrived

        rekey = peers.rekey_child("left", "tunnel", timeout=5)
        assert rekey.requested and not rekey.ok and not rekey.new_sa_installed
        assert rekey.failure_logged
        # What strongSwan 5.9 logs here:
        #   initiator: "received NO_PROPOSAL_CHOSEN notify, no CHILD_SA built"
        #              "CHILD_SA rekeying failed, trying again in N seconds"
        #   responder: "no acceptable KEY_EXCHANGE_METHOD found", "no acceptable proposal found"
        # (not INVALID_KE_PAYLOAD, logged as N(INVAL_KE): that is only sent when the responder
        # accepts a proposal whose group differs from the one the KE payload carries, see the
        # next test.)
        assert "received NO_PROPOSAL_CHOSEN notify, no CHILD_SA built" in rekey.log_excerpts["left"]
        assert "CHILD_SA rekeying failed" in rekey.log_excerpts["left"]
        assert "no acceptable KEY_EXCHANGE_METHOD found" in rekey.log_excerpts["right"]
        # The original CHILD_SA stays in place (until it expires), so traffic still flows.
        assert [c.uniqueid for c in peers.child_sas("left", "tunnel") if c.installed] == list(rekey.old_uniqueids)


def test_pfs_group_contained_rekeys_after_invalid_ke_payload() -> None:
    """Peers whose PFS lists overlap but differ in preference still rekey: the responder
    answers INVALID_KE_PAYLOAD naming its group and the initiator retries with it."""
    require_interop()
    with make_peers(left_esp="aes256-sha256-modp2048-ecp256", right_esp="aes256-sha256-ecp256") as peers:
        assert peers.initiate("tunnel", "azure", timeout=10).ok
        rekey = peers.rekey_child("left", "tunnel")
        assert rekey.ok, rekey.log_excerpts
        assert rekey.new_child is not None and rekey.new_child.dh_group == "ECP_256"
        # strongSwan abbreviates the notify in message dumps: N(INVAL_KE).
        assert "N(INVAL_KE)" in rekey.log_excerpts["left"]
        assert "peer didn't accept DH group MODP_2048, it requested ECP_256" in rekey.log_excerpts["left"]


# ---- (4) cleanup ----------------------------------------------------------------------


def _assert_cleaned(peers: IkePeers) -> None:
    remaining = set(list_namespaces())
    assert not remaining & set(peers.namespaces.values()), remaining
    assert not any(peers.owned_processes_alive().values()), peers.pids
    assert peers.workdir is None or not peers.workdir.exists()
    assert peers.cleanup_errors == []


def test_cleanup_after_normal_exit_and_exception_spares_foreign_namespace() -> None:
    require_interop()
    # A namespace the harness did not create must survive its cleanup.
    decoy = f"ikeh-decoy-{os.getpid()}"
    subprocess.run(["ip", "netns", "add", decoy], check=True, timeout=10, capture_output=True)
    try:
        with make_peers() as peers:
            assert set(peers.namespaces.values()) <= set(list_namespaces())
            assert all(peers.owned_processes_alive().values())
            # The pid we track is charon itself (the exec chain replaced ip/unshare/sh).
            for pid in peers.pids.values():
                with open(f"/proc/{pid}/comm") as fh:
                    assert fh.read().strip() == "charon"
        _assert_cleaned(peers)

        failing = make_peers()
        with pytest.raises(RuntimeError, match="boom"), failing:
            assert failing.initiate("tunnel", "azure").ok
            raise RuntimeError("boom")
        _assert_cleaned(failing)
        assert decoy in list_namespaces()
    finally:
        subprocess.run(["ip", "netns", "del", decoy], check=False, timeout=10, capture_output=True)


def test_cleanup_after_failed_startup() -> None:
    require_interop()
    peers = IkePeers(
        left=PeerSpec("connections { broken {", ONPREM_PREFIXES),  # swanctl parse error
        right=PeerSpec("", AZURE_PREFIXES),
    )
    with pytest.raises(HarnessError, match="load-all"), peers:
        pass
    _assert_cleaned(peers)


# ---- multiple prefixes, IPv6 selectors, AEAD ------------------------------------------


def test_multiple_prefixes_ipv6_and_gcm_and_no_traffic_without_sa() -> None:
    """Several prefixes per side each get a host address; traffic between any pair (here
    the second IPv4 prefixes and the IPv6 ones) uses the tunnel. AEAD (GCM) reports no
    integrity algorithm. Before any SA exists no datagram arrives, i.e. nothing bypasses
    the tunnel."""
    require_interop()
    left_prefixes = ("10.61.0.0/16", "10.62.0.0/24", "fd00:61::/64")
    right_prefixes = ("10.11.0.0/16", "10.12.0.0/16", "fd00:11::/64")
    common = {"ike_proposals": "aes256gcm16-prfsha384-ecp384", "esp_proposals": "aes256gcm16-ecp384"}
    left = PeerSpec(
        swanctl_conf(
            conn="azure",
            local_ip="192.0.2.1",
            remote_ip="192.0.2.2",
            local_ts=",".join(left_prefixes),
            remote_ts=",".join(right_prefixes),
            **common,
        ),
        left_prefixes,
    )
    right = PeerSpec(
        swanctl_conf(
            conn="onprem",
            local_ip="192.0.2.2",
            remote_ip="192.0.2.1",
            local_ts=",".join(right_prefixes),
            remote_ts=",".join(left_prefixes),
            **common,
        ),
        right_prefixes,
    )
    with IkePeers(left=left, right=right) as peers:
        assert peers.protected_addresses("left") == ["10.61.0.1", "10.62.0.1", "fd00:61::1"]
        before = peers.send_udp("left", "10.62.0.1", "10.12.0.1", timeout=1.0)
        assert not before.arrived, before

        assert peers.initiate("tunnel", "azure").ok
        ike = peers.ike_sa("right", "onprem")
        assert ike is not None
        assert (ike.encr_alg, ike.encr_keysize, ike.integ_alg) == ("AES_GCM_16", 256, None)
        assert (ike.prf_alg, ike.dh_group) == ("PRF_HMAC_SHA2_384", "ECP_384")
        (child,) = ike.installed_children("tunnel")
        assert (child.encr_alg, child.encr_keysize, child.integ_alg) == ("AES_GCM_16", 256, None)
        assert child.local_ts == right_prefixes and child.remote_ts == left_prefixes

        v4 = peers.send_udp("left", "10.62.0.1", "10.12.0.1")
        assert v4.arrived and v4.counters_increased, v4
        v6 = peers.send_udp("right", "fd00:11::1", "fd00:61::1")
        assert v6.arrived and v6.counters_increased, v6
