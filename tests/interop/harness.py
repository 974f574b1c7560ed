"""Two real IKEv2 peers (strongSwan charon + swanctl) in network namespaces.

The harness lets tests prove that two swanctl.conf texts - e.g. a generated on-premises
config and an "Azure side" config - really interoperate: IKE/CHILD SAs come up with the
expected algorithms, traffic crosses the tunnel, and a CHILD_SA rekey (the only moment a
PFS group is used, see below) succeeds or fails.

Topology (everything lives inside namespaces that this module creates; nothing leaves them)::

    netns <left>                                   netns <right>
      lo: 10.61.0.1/32 (one host per prefix)         lo: 10.11.0.1/32
      wan0: 192.0.2.1/24  <------ veth ------>       wan0: 192.0.2.2/24
      charon (own strongswan.conf, own vici)         charon (own strongswan.conf, own vici)

192.0.2.0/24 is TEST-NET-1 (RFC 5737, documentation only); it is used as the peers'
"public" addresses and exists only inside the two namespaces.

Why it is built this way (see shared/REFERENCE.md, section "strongSwan", for the recipe that
was seen working on this machine):

* One charon per namespace, started as
  ``ip netns exec NS unshare -m sh -c 'mount -t tmpfs tmpfs /run && exec charon'``: the
  private tmpfs on /run gives each daemon its own ``/run/charon.pid`` (charon refuses to start
  when the pid file names a live process). ``exec`` makes the process we spawned *become*
  charon, so its pid is charon's pid; it is also started in its own session/process group,
  so cleanup can signal exactly the group it created and nothing else.
* The CI kernel refuses XFRM states ("Protocol not supported"), so ESP is done in user space
  by the kernel-libipsec plugin (strongSwan docs: "kernel-libipsec plugin"). libipsec only
  supports ESP-in-UDP, so charon always uses UDP encapsulation (the SAs show as
  TUNNEL-in-UDP and the log says "remote host is behind NAT"); that is expected here.
  The protected traffic reaches libipsec through its TUN device ``ipsec0``: with
  kernel-libipsec a route to the remote selector via ``ipsec0`` appears in routing table
  220 (observed here with strongSwan 5.9.8 even though the REFERENCE recipe's
  ``charon.install_routes = no`` is set, which keeps the XFRM-style route handling off).
* Each side gets one address inside each of its protected prefixes (on lo): charon needs a
  local address inside the local traffic selector as the source of the tunnel route,
  otherwise route installation fails (REFERENCE recipe: TS_UNACCEPTABLE).
* Proposals: a PFS group in ``esp_proposals`` is not used for the CHILD_SA created with
  IKE_AUTH (RFC 7296 1.2: that CHILD_SA's keys come from the IKE SA), only when a CHILD_SA
  is rekeyed with CREATE_CHILD_SA. A PFS mismatch therefore shows up only at rekey; use
  :meth:`IkePeers.rekey_child` to force one (``swanctl --rekey --child``).

Only the standard library is used. Every external command runs with a timeout.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import errno
import functools
import ipaddress
import itertools
import json
import os
import re
import secrets
import select
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Literal, NoReturn, TypeAlias

__all__ = [
    "LEFT_PUBLIC_IP",
    "RIGHT_PUBLIC_IP",
    "ChildSa",
    "HarnessError",
    "IkePeers",
    "IkeSa",
    "InitiateResult",
    "PeerSpec",
    "RekeyResult",
    "Side",
    "UdpResult",
    "ci_requires_interop",
    "find_charon",
    "interop_unavailable_reason",
    "list_namespaces",
    "parse_pretty_vici",
    "require_interop",
]

Side: TypeAlias = Literal["left", "right"]
SIDES: tuple[Side, Side] = ("left", "right")

#: Outer ("public") addresses of the two peers. TEST-NET-1 (RFC 5737), namespace-only.
LEFT_PUBLIC_IP = "192.0.2.1"
RIGHT_PUBLIC_IP = "192.0.2.2"
_OUTER_PREFIXLEN = 24
_OUTER_IFNAME = "wan0"

#: Where distributions put the charon daemon: Debian/Ubuntu, Fedora/RHEL, Arch/others.
CHARON_CANDIDATES: tuple[str, ...] = (
    "/usr/lib/ipsec/charon",
    "/usr/libexec/ipsec/charon",
    "/usr/lib/strongswan/charon",
    "/usr/libexec/strongswan/charon",
)

#: Plugins charon loads (``charon.load``). An explicit list instead of Debian's
#: "load everything modular" keeps startup fast and behaviour deterministic: e.g. no
#: test-vectors self tests, no bypass-lan/forecast/farp/resolve side effects, no stroke
#: credential loading from /etc/ipsec.d. The crypto plugins cover every algorithm Azure
#: offers (DES/3DES via openssl legacy provider or gcrypt, AES-CBC/GCM, SHA1/2, MD5, MODP
#: and ECP groups). A missing, non-critical plugin only produces a warning in the log.
# fmt: off
DEFAULT_PLUGINS: tuple[str, ...] = (
    "random", "nonce", "aes", "sha1", "sha2", "md5", "hmac", "gmp", "openssl", "gcrypt", "gcm",
    "ccm", "ctr", "cmac", "xcbc", "curve25519", "kdf", "pem", "pkcs1", "pubkey", "x509",
    "kernel-libipsec", "kernel-netlink", "socket-default", "vici",
)
# fmt: on

_CMD_TIMEOUT = 15.0  # seconds; upper bound for any single ip/swanctl invocation
_STARTUP_TIMEOUT = 10.0  # seconds to wait for a charon's vici socket to answer
_STOP_TIMEOUT = 5.0  # seconds between SIGTERM and SIGKILL of a charon process group

# Log lines used to detect a failed rekey early instead of waiting for the full timeout.
# Seen with strongSwan 5.9.8 on the initiator of a CREATE_CHILD_SA rekey exchange.
_REKEY_FAILURE_MARKERS: tuple[str, ...] = (
    "CHILD_SA rekeying failed",
    "no CHILD_SA built",
)
# Output of `swanctl --load-all` that means the config was not (fully) loaded.
_LOAD_ERROR_MARKERS: tuple[str, ...] = ("invalid config file", "syntax error", "failed to load")


class HarnessError(RuntimeError):
    """The harness itself could not do what was asked (setup, command, timeout)."""


# --------------------------------------------------------------------------------------
# Availability
# --------------------------------------------------------------------------------------


def find_charon() -> str | None:
    """Return the charon binary path (env ``STRONGSWAN_CHARON`` wins), or ``None``."""
    override = os.environ.get("STRONGSWAN_CHARON")
    candidates = (override,) if override else CHARON_CANDIDATES
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def _plugin_dir(charon: str) -> Path:
    return Path(charon).parent / "plugins"


@functools.cache
def interop_unavailable_reason() -> str | None:
    """Why real IKE peers cannot run on this machine, or ``None`` if they can.

    Checks root, the tools (ip, unshare, mount, swanctl, charon), the kernel-libipsec
    plugin, /dev/net/tun (libipsec's TUN device) and that ``ip netns add`` really works
    (a short-lived probe namespace with a unique name is created and deleted again).
    The result is cached for the process.
    """
    if sys.platform != "linux":
        return f"interop tests need Linux network namespaces (platform is {sys.platform})"
    if os.geteuid() != 0:
        return "interop tests need root (network namespaces, charon)"
    for tool in ("ip", "unshare", "mount", "swanctl"):
        if shutil.which(tool) is None:
            return f"'{tool}' not found; run .ci/install-strongswan.sh"
    charon = find_charon()
    if charon is None:
        where = os.environ.get("STRONGSWAN_CHARON") or ", ".join(CHARON_CANDIDATES)
        return f"strongSwan charon not found in {where}; run .ci/install-strongswan.sh"
    if not (_plugin_dir(charon) / "libstrongswan-kernel-libipsec.so").exists():
        return "strongSwan kernel-libipsec plugin missing (Debian: libcharon-extra-plugins)"
    if not os.path.exists("/dev/net/tun"):
        return "/dev/net/tun missing (needed by strongSwan kernel-libipsec)"
    probe = f"ikeh-probe-{os.getpid()}-{secrets.token_hex(3)}"
    try:
        added = subprocess.run(
            ["ip", "netns", "add", probe],
            capture_output=True,
            text=True,
            timeout=_CMD_TIMEOUT,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"'ip netns add' failed: {exc}"
    if added.returncode != 0:
        return f"'ip netns add' failed: {added.stderr.strip()}"
    try:
        subprocess.run(
            ["ip", "netns", "del", probe],
            capture_output=True,
            timeout=_CMD_TIMEOUT,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"'ip netns del' of probe namespace {probe} failed: {exc}"
    return None


def ci_requires_interop() -> bool:
    """True when env var CI is set (e.g. ``CI=true``): interop tests must run there."""
    value = os.environ.get("CI", "").strip().lower()
    return value not in ("", "0", "false", "no")


def require_interop() -> None:
    """Skip the calling test if the harness cannot run, but FAIL instead under CI.

    CI must exercise the interop tests, so a missing strongSwan install there is an error
    rather than a silent skip. pytest is imported lazily to keep this module stdlib-only.
    """
    reason = interop_unavailable_reason()
    if reason is None:
        return
    import pytest

    if ci_requires_interop():
        pytest.fail(f"CI is set but the IKE interop harness cannot run: {reason}")
    pytest.skip(reason)


# --------------------------------------------------------------------------------------
# Parsed SA data
# --------------------------------------------------------------------------------------

ViciValue: TypeAlias = "str | list[str] | dict[str, ViciValue]"
ViciSection: TypeAlias = dict[str, ViciValue]


def parse_pretty_vici(text: str) -> list[tuple[str, ViciSection]]:
    """Parse ``swanctl ... --pretty`` output into ``[(top-level name, section), ...]``.

    The pretty printer writes one item per line: ``name {`` / ``}`` for sections,
    ``key = [`` / items / ``]`` for lists and ``key = value`` otherwise. Unlike ``--raw``
    (everything on one line, values unquoted) this is unambiguous for values containing
    spaces, e.g. distinguished-name identities.
    """
    result: list[tuple[str, ViciSection]] = []
    stack: list[ViciSection] = []
    current_list: list[str] | None = None
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if not line:
            continue
        if current_list is not None:
            if line == "]":
                current_list = None
            else:
                current_list.append(line)
            continue
        if line.endswith("{") and " = " not in line:
            section: ViciSection = {}
            name = line[:-1].strip()
            if stack:
                stack[-1][name] = section
            else:
                result.append((name, section))
            stack.append(section)
        elif line == "}":
            if not stack:
                raise ValueError(f"unbalanced '}}' in swanctl output: {text!r}")
            stack.pop()
        elif " = " in line or line.endswith(" ="):
            key, _, value = line.partition(" =")
            value = value.strip()
            if not stack:
                raise ValueError(f"value outside a section in swanctl output: {line!r}")
            if value == "[":
                current_list = []
                stack[-1][key.strip()] = current_list
            else:
                stack[-1][key.strip()] = value
        else:
            # Non-structured noise (e.g. swanctl warnings on stdout); ignore.
            continue
    if stack or current_list is not None:
        raise ValueError(f"truncated swanctl output: {text!r}")
    return result


def _s(section: Mapping[str, ViciValue], key: str) -> str | None:
    value = section.get(key)
    return value if isinstance(value, str) else None


def _i(section: Mapping[str, ViciValue], key: str) -> int | None:
    value = _s(section, key)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def _ts(section: Mapping[str, ViciValue], key: str) -> tuple[str, ...]:
    value = section.get(key)
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, str):
        return (value,)
    return ()


@dataclasses.dataclass(frozen=True)
class ChildSa:
    """One CHILD_SA as reported by ``swanctl --list-sas`` (vici ``list-sa`` event)."""

    key: str  # vici section name, e.g. "tunnel-3"
    name: str  # child config name, e.g. "tunnel"
    uniqueid: int
    reqid: int | None
    state: str  # INSTALLED, REKEYING, REKEYED, DELETING, DELETED, ...
    mode: str | None  # TUNNEL, TRANSPORT, ...
    protocol: str | None  # ESP or AH
    encap: bool  # UDP encapsulation (always true with kernel-libipsec)
    encr_alg: str | None  # e.g. AES_CBC, AES_GCM_16 (None for AH / NULL-less)
    encr_keysize: int | None
    integ_alg: str | None  # e.g. HMAC_SHA2_256_128; None for AEAD ciphers
    dh_group: str | None  # PFS group; only present on SAs created by CREATE_CHILD_SA
    spi_in: str | None
    spi_out: str | None
    local_ts: tuple[str, ...]
    remote_ts: tuple[str, ...]
    bytes_in: int
    packets_in: int
    bytes_out: int
    packets_out: int
    raw: ViciSection = dataclasses.field(repr=False, compare=False)

    @classmethod
    def from_vici(cls, key: str, section: ViciSection) -> ChildSa:
        return cls(
            key=key,
            name=_s(section, "name") or key.rsplit("-", 1)[0],
            uniqueid=_i(section, "uniqueid") or 0,
            reqid=_i(section, "reqid"),
            state=_s(section, "state") or "",
            mode=_s(section, "mode"),
            protocol=_s(section, "protocol"),
            encap=_s(section, "encap") == "yes",
            encr_alg=_s(section, "encr-alg"),
            encr_keysize=_i(section, "encr-keysize"),
            integ_alg=_s(section, "integ-alg"),
            dh_group=_s(section, "dh-group"),
            spi_in=_s(section, "spi-in"),
            spi_out=_s(section, "spi-out"),
            local_ts=_ts(section, "local-ts"),
            remote_ts=_ts(section, "remote-ts"),
            bytes_in=_i(section, "bytes-in") or 0,
            packets_in=_i(section, "packets-in") or 0,
            bytes_out=_i(section, "bytes-out") or 0,
            packets_out=_i(section, "packets-out") or 0,
            raw=section,
        )

    @property
    def installed(self) -> bool:
        return self.state == "INSTALLED"


@dataclasses.dataclass(frozen=True)
class IkeSa:
    """One IKE_SA with its CHILD_SAs as reported by ``swanctl --list-sas``."""

    name: str  # connection name
    uniqueid: int
    version: int | None
    state: str  # CONNECTING, ESTABLISHED, REKEYING, DELETING, ...
    local_host: str | None
    remote_host: str | None
    local_id: str | None
    remote_id: str | None
    initiator: bool
    encr_alg: str | None  # e.g. AES_CBC
    encr_keysize: int | None
    integ_alg: str | None  # e.g. HMAC_SHA2_256_128; None with AEAD
    prf_alg: str | None  # e.g. PRF_HMAC_SHA2_256
    dh_group: str | None  # e.g. MODP_2048
    children: tuple[ChildSa, ...]
    raw: ViciSection = dataclasses.field(repr=False, compare=False)

    @classmethod
    def from_vici(cls, name: str, section: ViciSection) -> IkeSa:
        children_section = section.get("child-sas")
        children: list[ChildSa] = []
        if isinstance(children_section, dict):
            for key, child in children_section.items():
                if isinstance(child, dict):
                    children.append(ChildSa.from_vici(key, child))
        return cls(
            name=name,
            uniqueid=_i(section, "uniqueid") or 0,
            version=_i(section, "version"),
            state=_s(section, "state") or "",
            local_host=_s(section, "local-host"),
            remote_host=_s(section, "remote-host"),
            local_id=_s(section, "local-id"),
            remote_id=_s(section, "remote-id"),
            initiator=_s(section, "initiator") == "yes",
            encr_alg=_s(section, "encr-alg"),
            encr_keysize=_i(section, "encr-keysize"),
            integ_alg=_s(section, "integ-alg"),
            prf_alg=_s(section, "prf-alg"),
            dh_group=_s(section, "dh-group"),
            children=tuple(children),
            raw=section,
        )

    @property
    def established(self) -> bool:
        return self.state == "ESTABLISHED"

    def installed_children(self, name: str | None = None) -> list[ChildSa]:
        """INSTALLED CHILD_SAs, optionally only those of child config ``name``."""
        return [c for c in self.children if c.installed and (name is None or c.name == name)]


@dataclasses.dataclass(frozen=True)
class InitiateResult:
    """Outcome of ``swanctl --initiate``: ``ok`` is swanctl's exit status == 0."""

    ok: bool
    returncode: int
    output: str  # swanctl stdout + stderr (charon's log lines for this exchange)


@dataclasses.dataclass(frozen=True)
class UdpResult:
    """Outcome of :meth:`IkePeers.send_udp`.

    ``arrived``: the listener in the other namespace received exactly our payload from
    ``src_ip``. The packet counters are sums over the CHILD_SAs on each side (optionally
    of one child config), read before and after sending.
    """

    arrived: bool
    src_ip: str
    dst_ip: str
    port: int
    received_from: str | None
    sender_packets_out_before: int
    sender_packets_out_after: int
    receiver_packets_in_before: int
    receiver_packets_in_after: int
    detail: str = ""

    @property
    def counters_increased(self) -> bool:
        return (
            self.sender_packets_out_after > self.sender_packets_out_before
            and self.receiver_packets_in_after > self.receiver_packets_in_before
        )


@dataclasses.dataclass(frozen=True)
class RekeyResult:
    """Outcome of :meth:`IkePeers.rekey_child`.

    ``ok`` means a NEW CHILD_SA (uniqueid not present before) is INSTALLED on both sides and
    the rekeyed one is gone from the requesting side. ``requested`` is swanctl's exit status
    (the vici ``rekey`` command only queues the exchange, so it succeeds even when the peer
    later refuses). ``failure_logged`` is set when the requesting side's log shows a failed
    rekey (e.g. "received NO_PROPOSAL_CHOSEN notify, no CHILD_SA built").
    """

    ok: bool
    requested: bool
    new_sa_installed: bool
    old_sa_removed: bool
    failure_logged: bool
    old_uniqueids: tuple[int, ...]
    new_child: ChildSa | None
    peer_new_child: ChildSa | None
    output: str
    log_excerpts: dict[Side, str]


@dataclasses.dataclass(frozen=True)
class PeerSpec:
    """One IKE peer: its swanctl.conf text and the prefixes behind it.

    ``protected_prefixes``: the networks behind this peer (its local traffic selectors);
    the harness puts the first host of each onto the namespace's lo so traffic can be
    sourced from and delivered to them. ``public_ip`` defaults to 192.0.2.1 (left) /
    192.0.2.2 (right); the swanctl config must use those as local/remote addresses.
    ``charon_options`` is strongswan.conf text placed at the end of the ``charon { }``
    block, so it overrides the harness defaults (later settings win in strongswan.conf).
    """

    swanctl_conf: str
    protected_prefixes: Sequence[str]
    label: str = ""
    public_ip: str | None = None
    charon_options: str = ""


# --------------------------------------------------------------------------------------
# The harness
# --------------------------------------------------------------------------------------

_COUNTER = itertools.count(1)
_COUNTER_LOCK = threading.Lock()
_LIVE: set[IkePeers] = set()
_LIVE_LOCK = threading.Lock()


def _cleanup_live_instances() -> None:
    """atexit safety net: close every harness that was not closed (e.g. a crashed test)."""
    with _LIVE_LOCK:
        live = list(_LIVE)
    for peers in live:
        with contextlib.suppress(Exception):
            peers.close()


atexit.register(_cleanup_live_instances)


def _first_host(prefix: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    net = ipaddress.ip_network(prefix, strict=False)
    if net.num_addresses <= 2:  # /32, /31, /128, /127: use the network address itself
        return net.network_address
    return net.network_address + 1


def _run(
    argv: Sequence[str],
    *,
    timeout: float = _CMD_TIMEOUT,
    env: Mapping[str, str] | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run a command with a timeout; raise HarnessError (with its output) on failure."""
    try:
        proc = subprocess.run(
            list(argv),
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            env=dict(env) if env is not None else None,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise HarnessError(f"timed out after {timeout}s: {shlex.join(argv)}") from exc
    except OSError as exc:
        raise HarnessError(f"cannot run {shlex.join(argv)}: {exc}") from exc
    if check and proc.returncode != 0:
        raise HarnessError(
            f"command failed ({proc.returncode}): {shlex.join(argv)}\n{proc.stdout}{proc.stderr}".rstrip()
        )
    return proc


def _workdir_base() -> str:
    """A temp base directory that charon can still see after mounting tmpfs on /run."""
    base = os.path.realpath(tempfile.gettempdir())
    if base == "/run" or base.startswith("/run/"):
        return "/var/tmp"
    return base


_UDP_LISTENER = r"""
import json, socket, sys
family = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.socket(family, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
s.settimeout(float(sys.argv[3]))
print("READY %d" % s.getsockname()[1], flush=True)
try:
    data, addr = s.recvfrom(65535)
    print(json.dumps({"data": data.hex(), "from": addr[0]}), flush=True)
except socket.timeout:
    print(json.dumps({"timeout": True}), flush=True)
"""

_UDP_SENDER = r"""
import socket, sys
family = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.socket(family, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 0))
s.sendto(bytes.fromhex(sys.argv[4]), (sys.argv[2], int(sys.argv[3])))
"""


class IkePeers:
    """Context manager running two charon daemons ("left" and "right") in namespaces.

    Usage::

        with IkePeers(left=PeerSpec(conf_l, ["10.61.0.0/16"], "onprem"),
                      right=PeerSpec(conf_r, ["10.11.0.0/16"], "azure")) as peers:
            assert peers.initiate("tunnel", "azure").ok
            sas = peers.list_sas("left")

    Namespace and temp-dir names are fixed in ``__init__`` (pid + process-wide counter +
    random token, so parallel and leftover runs never clash), so a test can inspect them even
    when ``__enter__`` fails. Everything created is removed on exit, on exceptions and on
    failed startup; an atexit hook is the last safety net.
    """

    def __init__(
        self,
        left: PeerSpec,
        right: PeerSpec,
        *,
        startup_timeout: float = _STARTUP_TIMEOUT,
        plugins: Sequence[str] = DEFAULT_PLUGINS,
    ) -> None:
        self.specs: dict[Side, PeerSpec] = {"left": left, "right": right}
        self.startup_timeout = startup_timeout
        self.plugins = tuple(plugins)
        with _COUNTER_LOCK:
            n = next(_COUNTER)
        tag = f"ikeh-{os.getpid()}-{n}-{secrets.token_hex(2)}"
        self.tag = tag
        self.namespaces: dict[Side, str] = {side: f"{tag}-{side}" for side in SIDES}
        self.public_ips: dict[Side, str] = {
            "left": left.public_ip or LEFT_PUBLIC_IP,
            "right": right.public_ip or RIGHT_PUBLIC_IP,
        }
        self.workdir: Path | None = None
        self.pids: dict[Side, int] = {}
        self.cleanup_errors: list[str] = []
        self._procs: dict[Side, subprocess.Popen[bytes]] = {}
        self._created_ns: list[str] = []
        self._closed = False
        self._lock = threading.RLock()

    # ---- lifecycle ------------------------------------------------------------------

    def __enter__(self) -> IkePeers:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def start(self) -> None:
        """Create namespaces, start both charons and load both configs (all or nothing)."""
        reason = interop_unavailable_reason()
        if reason is not None:
            raise HarnessError(f"IKE interop harness unavailable: {reason}")
        with _LIVE_LOCK:
            _LIVE.add(self)
        try:
            self.workdir = Path(tempfile.mkdtemp(prefix=f"{self.tag}-", dir=_workdir_base()))
            self._setup_network()
            for side in SIDES:
                self._start_charon(side)
            for side in SIDES:
                self._wait_for_vici(side)
            for side in SIDES:
                self.load_config(side, self.specs[side].swanctl_conf)
        except BaseException:
            self.close()
            raise

    def close(self) -> list[str]:
        """Stop our charons, delete our namespaces and temp dir. Idempotent; never raises.

        Returns (and stores in ``cleanup_errors``) what could not be cleaned up.
        """
        with self._lock:
            if self._closed:
                return self.cleanup_errors
            self._closed = True
            errors: list[str] = []
            for side, proc in list(self._procs.items()):
                try:
                    self._stop_process_group(proc)
                except Exception as exc:  # keep going: namespaces must still go
                    errors.append(f"stopping charon ({side}, pid {proc.pid}): {exc}")
            for ns in reversed(self._created_ns):
                try:
                    _run(["ip", "netns", "del", ns], check=True)
                except Exception as exc:
                    errors.append(f"deleting namespace {ns}: {exc}")
            self._created_ns.clear()
            if self.workdir is not None:
                shutil.rmtree(self.workdir, ignore_errors=True)
                if self.workdir.exists():
                    errors.append(f"could not remove {self.workdir}")
            self.cleanup_errors = errors
            with _LIVE_LOCK:
                _LIVE.discard(self)
            return errors

    @staticmethod
    def _stop_process_group(proc: subprocess.Popen[bytes]) -> None:
        """SIGTERM the process group we created, then SIGKILL it, then reap the leader.

        The leader (== charon after the exec chain) is left unreaped (``WNOWAIT``) while
        the group is signalled: a zombie leader keeps its pid, and so the group id, from
        being reused, so we can never signal someone else's processes.
        """
        pgid = proc.pid  # start_new_session=True: the child is its own group leader
        if proc.returncode is not None:
            return  # already reaped earlier
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGTERM)
        deadline = time.monotonic() + _STOP_TIMEOUT
        while time.monotonic() < deadline:
            try:
                info = os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
            except ChildProcessError:
                break
            if info is not None:
                break
            time.sleep(0.05)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)  # stragglers, or a charon ignoring SIGTERM
        try:
            proc.wait(timeout=_STOP_TIMEOUT)
        except subprocess.TimeoutExpired as exc:
            raise HarnessError(f"charon pid {proc.pid} did not exit after SIGKILL") from exc

    # ---- setup ----------------------------------------------------------------------

    def _setup_network(self) -> None:
        for side in SIDES:
            ns = self.namespaces[side]
            _run(["ip", "netns", "add", ns])
            self._created_ns.append(ns)
        left_ns, right_ns = self.namespaces["left"], self.namespaces["right"]
        # Create both veth ends directly inside the namespaces: no interface ever appears
        # in the host namespace, so no name clash there and no traffic can leave.
        _run(
            [
                "ip", "link", "add", _OUTER_IFNAME, "netns", left_ns, "type", "veth",
                "peer", "name", _OUTER_IFNAME, "netns", right_ns,
            ]
        )  # fmt: skip
        for side in SIDES:
            ns = self.namespaces[side]
            _run(["ip", "-n", ns, "link", "set", "lo", "up"])
            _run(
                [
                    "ip", "-n", ns, "addr", "add",
                    f"{self.public_ips[side]}/{_OUTER_PREFIXLEN}", "dev", _OUTER_IFNAME,
                ]
            )  # fmt: skip
            _run(["ip", "-n", ns, "link", "set", _OUTER_IFNAME, "up"])
            for host in self.protected_addresses(side):
                # /32 (/128) rather than the whole prefix: enough for charon to find a
                # source address inside the local TS, without claiming the prefix locally.
                addr = ipaddress.ip_address(host)
                plen = 32 if addr.version == 4 else 128
                extra = ["nodad"] if addr.version == 6 else []
                _run(["ip", "-n", ns, "addr", "add", f"{host}/{plen}", "dev", "lo", *extra])

    def _side_dir(self, side: Side) -> Path:
        if self.workdir is None:
            raise HarnessError("harness not started")
        return self.workdir / side

    def vici_uri(self, side: Side) -> str:
        return f"unix://{self._side_dir(side) / 'charon.vici'}"

    def log_path(self, side: Side) -> Path:
        return self._side_dir(side) / "charon.log"

    def _strongswan_conf(self, side: Side) -> str:
        d = self._side_dir(side)
        # Log levels: -1 silent .. 4 raw; 2 ("controlmore") on ike/cfg shows the proposal
        # negotiation ("selecting proposal", "no acceptable KEY_EXCHANGE_METHOD found"),
        # the rest at 1 to keep logs readable (strongSwan docs: "Logger Configuration").
        # Retransmissions are shortened (default 5 tries, 4 s base -> ~165 s) so that a
        # peer that never answers fails within ~5 s: 1.0 + 1.4 + 1.96 s.
        return f"""# Generated by tests/interop/harness.py for the {side} peer.
charon {{
    load = {" ".join(self.plugins)}
    install_routes = no
    retransmit_tries = 2
    retransmit_timeout = 1.0
    retransmit_base = 1.4
    plugins {{
        vici {{
            socket = unix://{d / "charon.vici"}
        }}
        kernel-libipsec {{
            load = yes
        }}
    }}
    filelog {{
        harness {{
            path = {d / "charon.log"}
            time_format = %H:%M:%S
            flush_line = yes
            append = yes
            default = 1
            ike = 2
            cfg = 2
        }}
    }}
    syslog {{
        daemon {{
            default = -1
        }}
    }}
{self.specs[side].charon_options}
}}
"""

    def _start_charon(self, side: Side) -> None:
        charon = find_charon()
        if charon is None:
            raise HarnessError("charon not found")
        d = self._side_dir(side)
        d.mkdir(parents=True, exist_ok=True)
        conf = d / "strongswan.conf"
        conf.write_text(self._strongswan_conf(side))
        env = dict(os.environ)
        env["STRONGSWAN_CONF"] = str(conf)
        inner = f"mount -t tmpfs tmpfs /run && exec {shlex.quote(charon)}"
        argv = ["ip", "netns", "exec", self.namespaces[side], "unshare", "-m", "sh", "-c", inner]
        with open(d / "charon.stdout", "wb") as out:
            proc = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                # Own session => own process group whose id is this pid: cleanup signals
                # exactly this group (ip -> unshare -> sh -> charon all exec in place).
                start_new_session=True,
            )
        self._procs[side] = proc
        self.pids[side] = proc.pid

    def _wait_for_vici(self, side: Side) -> None:
        proc = self._procs[side]
        deadline = time.monotonic() + self.startup_timeout
        last = ""
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                self._fail_startup(side, f"charon exited with status {proc.returncode}")
            socket_path = self._side_dir(side) / "charon.vici"
            if socket_path.exists():
                probe = self.swanctl(side, "--stats", timeout=3.0, check=False)
                if probe.returncode == 0:
                    return
                last = (probe.stdout + probe.stderr).strip()
            time.sleep(0.1)
        self._fail_startup(side, f"vici socket did not answer in {self.startup_timeout}s: {last}")

    def _fail_startup(self, side: Side, why: str) -> NoReturn:
        d = self._side_dir(side)
        tails = []
        for name in ("charon.stdout", "charon.log"):
            with contextlib.suppress(OSError):
                tails.append(f"--- {name}:\n" + (d / name).read_text(errors="replace")[-3000:])
        raise HarnessError(f"{side} charon failed to start: {why}\n" + "\n".join(tails))

    # ---- generic helpers ------------------------------------------------------------

    def protected_addresses(self, side: Side) -> list[str]:
        """The host address placed inside each protected prefix of ``side`` (first host)."""
        return [str(_first_host(p)) for p in self.specs[side].protected_prefixes]

    @staticmethod
    def other(side: Side) -> Side:
        return "right" if side == "left" else "left"

    def swanctl(
        self, side: Side, *args: str, timeout: float = _CMD_TIMEOUT, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """Run ``swanctl ARGS --uri <side's vici socket>`` (vici is a unix socket, so
        swanctl itself can run in the host namespace)."""
        return _run(["swanctl", *args, "--uri", self.vici_uri(side)], timeout=timeout, check=check)

    def exec_in(
        self, side: Side, argv: Sequence[str], *, timeout: float = _CMD_TIMEOUT, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """Run a command inside ``side``'s network namespace (bounded by ``timeout``)."""
        return _run(["ip", "netns", "exec", self.namespaces[side], *argv], timeout=timeout, check=check)

    def load_config(self, side: Side, swanctl_conf: str) -> str:
        """(Re)load swanctl.conf text into ``side``'s charon; returns swanctl's output.

        The file lives in its own directory with the credential subdirectories swanctl
        scans (x509, private, ...) so ``--load-all`` does not complain about missing ones.
        """
        conf_dir = self._side_dir(side) / "swanctl"
        for sub in (
            "x509", "x509ca", "x509ocsp", "x509aa", "x509ac", "x509crl", "pubkey",
            "private", "rsa", "ecdsa", "bliss", "pkcs8", "pkcs12",
        ):  # fmt: skip
            (conf_dir / sub).mkdir(parents=True, exist_ok=True)
        conf_file = conf_dir / "swanctl.conf"
        conf_file.write_text(swanctl_conf)
        proc = self.swanctl(side, "--load-all", "--noprompt", "-f", str(conf_file), check=False)
        output = proc.stdout + proc.stderr
        # swanctl 5.9 exits 0 on a syntax error in the file ("syntax error, unexpected ...",
        # "invalid config file ..."), treating it as an empty config; catch that too. Lines
        # about swanctl's own plugins ("plugin 'x' failed to load") say nothing of the config.
        about_config = "\n".join(line for line in output.splitlines() if "plugin '" not in line)
        if proc.returncode != 0 or any(marker in about_config for marker in _LOAD_ERROR_MARKERS):
            raise HarnessError(f"swanctl --load-all failed on {side} (exit {proc.returncode}):\n{output}")
        return output

    # ---- IKE operations -------------------------------------------------------------

    def initiate(
        self,
        child: str | None = None,
        ike: str | None = None,
        *,
        side: Side = "left",
        timeout: float = 10.0,
    ) -> InitiateResult:
        """``swanctl --initiate`` from ``side``; waits for the result up to ``timeout`` s.

        At least one of ``child``/``ike`` is required. ``ok`` is False when the exchange
        failed (e.g. NO_PROPOSAL_CHOSEN, AUTHENTICATION_FAILED) or timed out.
        """
        if child is None and ike is None:
            raise ValueError("initiate() needs a child and/or an ike name")
        args = ["--initiate", "--timeout", str(max(1, int(timeout)))]
        if child is not None:
            args += ["--child", child]
        if ike is not None:
            args += ["--ike", ike]
        try:
            proc = self.swanctl(side, *args, timeout=timeout + 5.0, check=False)
        except HarnessError as exc:
            return InitiateResult(ok=False, returncode=-1, output=str(exc))
        return InitiateResult(ok=proc.returncode == 0, returncode=proc.returncode, output=proc.stdout + proc.stderr)

    def terminate(self, ike: str, *, side: Side = "left", timeout: float = 10.0) -> bool:
        """``swanctl --terminate --ike NAME``; True on success."""
        proc = self.swanctl(
            side, "--terminate", "--ike", ike, "--timeout", str(max(1, int(timeout))),
            timeout=timeout + 5.0, check=False,
        )  # fmt: skip
        return proc.returncode == 0

    def list_sas(self, side: Side) -> list[IkeSa]:
        """All IKE_SAs (with CHILD_SAs) of ``side``, parsed from ``swanctl --list-sas --pretty``."""
        proc = self.swanctl(side, "--list-sas", "--pretty")
        sas: list[IkeSa] = []
        for top, section in parse_pretty_vici(proc.stdout):
            if top != "list-sa event":
                continue
            for name, ike in section.items():
                if isinstance(ike, dict):
                    sas.append(IkeSa.from_vici(name, ike))
        return sas

    def ike_sa(self, side: Side, name: str) -> IkeSa | None:
        """The first IKE_SA of connection ``name`` on ``side`` (established first), if any."""
        matches = [sa for sa in self.list_sas(side) if sa.name == name]
        matches.sort(key=lambda sa: not sa.established)
        return matches[0] if matches else None

    def child_sas(self, side: Side, child: str | None = None) -> list[ChildSa]:
        """All CHILD_SAs on ``side`` (any IKE_SA), optionally only of config ``child``."""
        return [c for sa in self.list_sas(side) for c in sa.children if child is None or c.name == child]

    def packet_counters(self, side: Side, child: str | None = None) -> tuple[int, int]:
        """(packets_in, packets_out) summed over ``side``'s CHILD_SAs (optionally one config)."""
        children = self.child_sas(side, child)
        return sum(c.packets_in for c in children), sum(c.packets_out for c in children)

    # ---- logs -----------------------------------------------------------------------

    def log(self, side: Side, since: int = 0) -> str:
        """charon's log for ``side`` (from byte offset ``since``; see :meth:`log_offset`)."""
        try:
            with open(self.log_path(side), "rb") as fh:
                fh.seek(since)
                return fh.read().decode("utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def log_offset(self, side: Side) -> int:
        """Current size of ``side``'s log, to read only what is logged afterwards."""
        try:
            return self.log_path(side).stat().st_size
        except FileNotFoundError:
            return 0

    def wait_for_log(self, side: Side, pattern: str, *, since: int = 0, timeout: float = 5.0) -> re.Match[str] | None:
        """Poll ``side``'s log (from ``since``) for regex ``pattern``; None on timeout."""
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern)
        while True:
            match = regex.search(self.log(side, since))
            if match is not None or time.monotonic() >= deadline:
                return match
            time.sleep(0.1)

    # ---- traffic --------------------------------------------------------------------

    def send_udp(
        self,
        from_side: Side,
        src_ip: str | None = None,
        dst_ip: str | None = None,
        port: int = 0,
        *,
        payload: bytes | None = None,
        timeout: float = 3.0,
        child: str | None = None,
    ) -> UdpResult:
        """Send one UDP datagram from ``src_ip`` (in ``from_side``'s namespace) to ``dst_ip``
        (in the other namespace) and report whether it arrived, plus CHILD_SA counters.

        Defaults: the first protected address of each side; ``port=0`` lets the listener
        pick a free port. The listener is bounded by ``timeout``; the datagram can only
        reach it through the tunnel (the namespaces have no other route between the
        protected prefixes).
        """
        to_side = self.other(from_side)
        src = src_ip or self.protected_addresses(from_side)[0]
        dst = dst_ip or self.protected_addresses(to_side)[0]
        data = payload if payload is not None else secrets.token_bytes(16)
        _, out_before = self.packet_counters(from_side, child)
        in_before, _ = self.packet_counters(to_side, child)

        listener = subprocess.Popen(
            [
                "ip", "netns", "exec", self.namespaces[to_side], sys.executable, "-c",
                _UDP_LISTENER, dst, str(port), str(timeout),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )  # fmt: skip
        received_from: str | None = None
        bound_port = port
        arrived = False
        detail = ""
        out = ""
        try:
            assert listener.stdout is not None
            ready, _, _ = select.select([listener.stdout], [], [], timeout + 5.0)
            line = listener.stdout.readline() if ready else ""
            if not line.startswith("READY "):
                raise HarnessError(f"UDP listener did not start: {line!r}")
            bound_port = int(line.split()[1])
            sent = self.exec_in(
                from_side,
                [sys.executable, "-c", _UDP_SENDER, src, dst, str(bound_port), data.hex()],
                timeout=timeout + 5.0,
                check=False,
            )
            if sent.returncode != 0:
                # e.g. "Network is unreachable" when no CHILD_SA (hence no route) exists:
                # a result ("did not arrive"), not a harness failure.
                lines = (sent.stdout + sent.stderr).strip().splitlines()
                detail = "send failed: " + (lines[-1] if lines else f"exit {sent.returncode}")
            else:
                try:
                    # Returns after one datagram or the listener's own timeout.
                    out, err = listener.communicate(timeout=timeout + 5.0)
                    detail = (out + err).strip()
                except subprocess.TimeoutExpired:
                    detail = "listener timed out"
            for result_line in out.splitlines():
                with contextlib.suppress(ValueError):
                    parsed = json.loads(result_line)
                    if isinstance(parsed, dict) and "data" in parsed:
                        received_from = str(parsed.get("from"))
                        arrived = parsed["data"] == data.hex() and received_from == src
        finally:
            if listener.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(listener.pid, signal.SIGKILL)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    listener.wait(timeout=5.0)

        # libipsec updates the counters as it processes packets; give it a moment.
        deadline = time.monotonic() + (2.0 if arrived else 0.0)
        while True:
            _, out_after = self.packet_counters(from_side, child)
            in_after, _ = self.packet_counters(to_side, child)
            if (out_after > out_before and in_after > in_before) or time.monotonic() >= deadline:
                break
            time.sleep(0.1)
        return UdpResult(
            arrived=arrived,
            src_ip=src,
            dst_ip=dst,
            port=bound_port,
            received_from=received_from,
            sender_packets_out_before=out_before,
            sender_packets_out_after=out_after,
            receiver_packets_in_before=in_before,
            receiver_packets_in_after=in_after,
            detail=detail,
        )

    # ---- rekey ----------------------------------------------------------------------

    def rekey_child(self, side: Side, child: str, *, timeout: float = 10.0) -> RekeyResult:
        """Force a CHILD_SA rekey of config ``child`` from ``side`` and wait for the outcome.

        ``swanctl --rekey --child NAME`` only queues a CREATE_CHILD_SA exchange, so this
        polls ``list_sas`` (bounded by ``timeout``) until a new CHILD_SA is INSTALLED on both
        sides and the old one is gone from ``side``; it stops early when ``side``'s log
        reports a failed rekey. This is where PFS (the DH group in esp_proposals) is
        negotiated, so PFS mismatches surface here.
        """
        other = self.other(side)
        old = tuple(c.uniqueid for c in self.child_sas(side, child) if c.installed)
        peer_old = {c.uniqueid for c in self.child_sas(other)}
        offsets: dict[Side, int] = {s: self.log_offset(s) for s in SIDES}
        if not old:
            return RekeyResult(
                ok=False, requested=False, new_sa_installed=False, old_sa_removed=False,
                failure_logged=False, old_uniqueids=(), new_child=None, peer_new_child=None,
                output=f"no INSTALLED CHILD_SA named {child!r} on {side}", log_excerpts={},
            )  # fmt: skip
        proc = self.swanctl(side, "--rekey", "--child", child, check=False)
        output = proc.stdout + proc.stderr
        requested = proc.returncode == 0

        new_child: ChildSa | None = None
        peer_new: ChildSa | None = None
        old_removed = False
        failure_logged = False
        deadline = time.monotonic() + timeout
        while requested:
            mine = self.child_sas(side, child)
            new_child = next((c for c in mine if c.installed and c.uniqueid not in old), None)
            old_removed = not any(c.uniqueid in old and c.installed for c in mine)
            peer_new = next(
                (c for c in self.child_sas(other) if c.installed and c.uniqueid not in peer_old),
                None,
            )
            if new_child is not None and peer_new is not None and old_removed:
                break
            log_text = self.log(side, offsets[side])
            if any(marker in log_text for marker in _REKEY_FAILURE_MARKERS):
                failure_logged = True
                break
            if time.monotonic() >= deadline:
                break
            time.sleep(0.1)
        if failure_logged:
            # Give the peer's log a moment to contain its side of the story.
            time.sleep(0.2)
        excerpts: dict[Side, str] = {s: self.log(s, offsets[s]) for s in SIDES}
        return RekeyResult(
            ok=requested and new_child is not None and peer_new is not None and old_removed,
            requested=requested,
            new_sa_installed=new_child is not None,
            old_sa_removed=old_removed,
            failure_logged=failure_logged,
            old_uniqueids=old,
            new_child=new_child,
            peer_new_child=peer_new,
            output=output,
            log_excerpts=excerpts,
        )

    # ---- introspection for cleanup tests --------------------------------------------

    def owned_processes_alive(self) -> dict[Side, bool]:
        """Whether each charon we started is still a live (non-zombie) process."""
        return {side: _pid_alive(pid) for side, pid in self.pids.items()}


def _pid_alive(pid: int) -> bool:
    """True if ``pid`` exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ESRCH):
            return False
        raise
    # Field 3 (after the parenthesised comm, which may contain spaces) is the state.
    state = stat.rsplit(")", 1)[1].split()[0]
    return state not in ("Z", "X")


def list_namespaces() -> list[str]:
    """Names from ``ip netns list`` (for cleanup assertions)."""
    proc = _run(["ip", "netns", "list"])
    return [line.split()[0] for line in proc.stdout.splitlines() if line.strip()]
