"""Entry point the Pulumi CLI runs for ``--policy-pack policies``: build the pack, serve it."""

import vpn_policies
from pulumi_policy import EnforcementLevel, PolicyPack

# pulumi-policy unwraps secrets before validate functions run; this puts back a mark so the
# shared-key rule can tell a secret from plain text (see vpn_policies/secret_tracking.py).
vpn_policies.install_secret_tracking()

PolicyPack(
    name=vpn_policies.PACK_NAME,
    description=vpn_policies.PACK_DESCRIPTION,
    policies=vpn_policies.POLICIES,
    enforcement_level=EnforcementLevel.ADVISORY,  # only for a policy without its own level: none has
)
