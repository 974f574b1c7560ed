"""Ready policies: the seed's two examples and a recommended modern one."""

from __future__ import annotations

from typing import Final

from components.ipsec_policy import IpsecPolicy

#: Seed Part 3 (S2S VNet1toSite6): IKEv2 AES256/SHA384/DHGroup24, IPsec AES256/SHA256, no PFS.
SEED_S2S_POLICY: Final = IpsecPolicy(
    ike_encryption="AES256",
    ike_integrity="SHA384",
    dh_group="DHGroup24",
    ipsec_encryption="AES256",
    ipsec_integrity="SHA256",
    pfs_group="None",
    sa_lifetime_seconds=14400,
    sa_data_size_kilobytes=102400000,
)

#: Seed Part 4 (VNet1toVNet2/VNet2toVNet1): IKEv2 AES128/SHA1/DHGroup14, IPsec GCMAES128, PFS14.
SEED_VNET2VNET_POLICY: Final = IpsecPolicy(
    ike_encryption="AES128",
    ike_integrity="SHA1",
    dh_group="DHGroup14",
    ipsec_encryption="GCMAES128",
    ipsec_integrity="GCMAES128",
    pfs_group="PFS14",
    sa_lifetime_seconds=14400,
    sa_data_size_kilobytes=102400000,
)

#: Seed Part 5 step 2: the updated Site6 policy.
SEED_UPDATED_S2S_POLICY: Final = IpsecPolicy(
    ike_encryption="AES128",
    ike_integrity="SHA1",
    dh_group="DHGroup14",
    ipsec_encryption="AES256",
    ipsec_integrity="SHA256",
    pfs_group="None",
    sa_lifetime_seconds=14400,
    sa_data_size_kilobytes=102400000,
)

#: No findings under RFC 8247/8221: AES-GCM-256 for both phases (the IKE integrity value is
#: the PRF, SHA384 to match the 384-bit curve), ECP384 (group 20) for both DH exchanges.
RECOMMENDED_POLICY: Final = IpsecPolicy(
    ike_encryption="GCMAES256",
    ike_integrity="SHA384",
    dh_group="ECP384",
    ipsec_encryption="GCMAES256",
    ipsec_integrity="GCMAES256",
    pfs_group="ECP384",
)

PRESETS: Final[dict[str, IpsecPolicy]] = {
    "seed-s2s": SEED_S2S_POLICY,
    "seed-vnet2vnet": SEED_VNET2VNET_POLICY,
    "seed-s2s-updated": SEED_UPDATED_S2S_POLICY,
    "recommended": RECOMMENDED_POLICY,
}
