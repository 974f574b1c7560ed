#!/usr/bin/env bash
# Install what the IKEv2 interop harness (tests/interop) needs: strongSwan's charon daemon,
# the swanctl/vici front end, libcharon-extra-plugins (kernel-libipsec: the CI kernel refuses
# XFRM SAs, see shared/REFERENCE.md "strongSwan"), the standard/extra libstrongswan plugins
# (openssl, gcm, ... so every Azure algorithm - DES/3DES, AES-CBC/GCM, MD5/SHA1/SHA2,
# MODP/ECP groups - can be negotiated), iproute2 (`ip netns`) and util-linux (`unshare`).
#
# Idempotent: if everything is already present it does nothing (no network access at all).
# Quiet: apt output goes to a log file that is printed only when something fails.
# Exits non-zero on failure so CI stops instead of silently skipping the interop tests.
set -euo pipefail

PACKAGES=(strongswan-charon strongswan-swanctl libcharon-extra-plugins libstrongswan-standard-plugins
          libstrongswan-extra-plugins iproute2 util-linux python3)

if [ "$(id -u)" -ne 0 ]; then
    echo "install-strongswan.sh: must run as root (apt-get)" >&2
    exit 1
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
    # dpkg-query prints "install ok installed" only for fully installed packages.
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done

if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi

log="$(mktemp -t install-strongswan.XXXXXX.log)"
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive

apt_install() {
    apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$log" 2>&1
}

# Try without refreshing the package lists first (fast path when they are recent enough);
# run `apt-get update` once only if that fails, e.g. on a fresh machine with empty lists.
if ! apt_install; then
    if ! apt-get update -q >>"$log" 2>&1 || ! apt_install; then
        echo "install-strongswan.sh: failed to install: ${missing[*]}" >&2
        cat "$log" >&2
        exit 1
    fi
fi

# Sanity check: the binaries the harness looks for must now exist.
charon=""
for c in /usr/lib/ipsec/charon /usr/libexec/ipsec/charon /usr/lib/strongswan/charon; do
    if [ -x "$c" ]; then charon="$c"; break; fi
done
if [ -z "$charon" ] || ! command -v swanctl >/dev/null 2>&1; then
    echo "install-strongswan.sh: charon or swanctl missing after install" >&2
    cat "$log" >&2
    exit 1
fi

# Debian's packages enable the system-wide strongswan-starter/charon-systemd services; on a
# machine without systemd (containers, CI) nothing is started. The harness never uses the
# system daemon: it runs its own charon per network namespace.
echo "install-strongswan.sh: installed ${missing[*]}"
