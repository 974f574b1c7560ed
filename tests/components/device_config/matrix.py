"""The policy matrix every renderer is checked against, and the real IKEv2 peers prove.

Covers every encryption family Azure offers (DES, 3DES, AES-CBC 128/192/256, AES-GCM
128/192/256, ESP NULL), every integrity value, DH groups 1, 2, 14 (both spellings), 19, 20
and 24, PFS none / same as main mode (explicit and PFSMM) / different, and route-based and
policy-based selectors with two prefixes per side. The last case has no custom policy
(Azure's default proposals).
"""

from __future__ import annotations

from dataclasses import dataclass

from components.ipsec_policy import IpsecPolicy

#: The prefixes every case uses: two per side, so policy-based cases have 2 x 2 = 4 pairs.
ONPREM_PREFIXES: tuple[str, ...] = ("10.61.0.0/16", "10.62.0.0/16")
AZURE_PREFIXES: tuple[str, ...] = ("10.11.0.0/16", "10.12.0.0/16")


@dataclass(frozen=True)
class MatrixCase:
    id: str
    policy: IpsecPolicy | None
    policy_based: bool = False


def _policy(ike: str, esp: str, pfs: str, seconds: int = 27000, kilobytes: int = 102400000) -> IpsecPolicy:
    """``ike`` = "ENC/INTEG/GROUP", ``esp`` = "ENC/INTEG"."""
    ike_encryption, ike_integrity, dh_group = ike.split("/")
    ipsec_encryption, ipsec_integrity = esp.split("/")
    return IpsecPolicy(ike_encryption=ike_encryption, ike_integrity=ike_integrity, dh_group=dh_group,
                       ipsec_encryption=ipsec_encryption, ipsec_integrity=ipsec_integrity, pfs_group=pfs,
                       sa_lifetime_seconds=seconds, sa_data_size_kilobytes=kilobytes)


MATRIX: tuple[MatrixCase, ...] = (
    # The seed's policies (Parts 3, 4 and 5) and the recommended preset.
    MatrixCase("seed-s2s", _policy("AES256/SHA384/DHGroup24", "AES256/SHA256", "None", 14400)),
    MatrixCase("seed-vnet2vnet", _policy("AES128/SHA1/DHGroup14", "GCMAES128/GCMAES128", "PFS14", 14400)),
    MatrixCase("seed-s2s-updated-pb", _policy("AES128/SHA1/DHGroup14", "AES256/SHA256", "None", 14400), True),
    MatrixCase("recommended", _policy("GCMAES256/SHA384/ECP384", "GCMAES256/GCMAES256", "ECP384")),
    MatrixCase("gcm128-ecp256-pfsmm-pb", _policy("GCMAES128/SHA256/ECP256", "GCMAES128/GCMAES128", "PFSMM"), True),
    MatrixCase("aes192-g2048-pfs2048", _policy("AES192/SHA256/DHGroup2048", "AES192/SHA1", "PFS2048")),
    MatrixCase("3des-g2-pfs2", _policy("DES3/SHA1/DHGroup2", "DES3/SHA1", "PFS2")),
    MatrixCase("des-md5-g1", _policy("DES/MD5/DHGroup1", "DES/MD5", "None", 300, 1024)),
    MatrixCase("ecp256-pfs-ecp384-pb", _policy("AES256/SHA256/ECP256", "AES256/SHA256", "ECP384"), True),
    MatrixCase("gcm192-pfs24", _policy("AES256/SHA384/ECP384", "GCMAES192/GCMAES192", "PFS24")),
    MatrixCase("g24-pfs24-pb", _policy("AES128/SHA256/DHGroup24", "AES128/SHA256", "PFS24", 3600), True),
    MatrixCase("esp-null", _policy("GCMAES256/SHA256/DHGroup14", "None/SHA256", "PFS14")),
    MatrixCase("md5-g2-pfs1", _policy("AES256/MD5/DHGroup2", "AES256/MD5", "PFS1")),
    MatrixCase("gcm-ike128-esp256-pfs-ecp256", _policy("GCMAES128/SHA384/ECP384", "GCMAES256/GCMAES256", "ECP256")),
    MatrixCase("aes192-esp3des-pb", _policy("AES192/SHA384/ECP256", "DES3/SHA256", "None"), True),
    MatrixCase("3des-sha256-pfsmm", _policy("DES3/SHA256/DHGroup14", "AES128/SHA1", "PFSMM", 172799, 0)),
    MatrixCase("ecp256-gcm256-pfsmm", _policy("AES128/SHA1/ECP256", "GCMAES256/GCMAES256", "PFSMM")),
    MatrixCase("g2048-pfs14-pb", _policy("AES256/SHA1/DHGroup2048", "AES256/SHA1", "PFS14", 86400), True),
    MatrixCase("gcm256-g24-pfs2048-pb", _policy("GCMAES256/SHA384/DHGroup24", "GCMAES128/GCMAES128", "PFS2048"), True),
    MatrixCase("ecp384-null-md5", _policy("AES128/SHA256/ECP384", "None/MD5", "None")),
    MatrixCase("des-g14-pfs2-pb", _policy("DES/SHA1/DHGroup14", "DES/SHA1", "PFS2"), True),
    MatrixCase("g2-gcm256-nopfs", _policy("AES256/SHA256/DHGroup2", "GCMAES256/GCMAES256", "None", 28800, 2147483647)),
    MatrixCase("azure-default", None),
)
