"""Leave out azure-native's API-version aliases on the resources the components create.

Every azure-native v3 resource carries one alias per historical API version (59 for a
connection). pulumi 3.x ``Resource.__init__`` expands each into an alias URN eagerly, with
several ``apply`` calls, even though an engine that supports alias specs never reads that
list (pulumi/pulumi#10010, open). Measured by ``bench/``: most of a plan's time, 23.5 s of a
100-site hub's 23.5 s against 3.4 s without them.

Nothing is lost for these components: those aliases only match a resource recorded under an
explicit-version type token (azure-native v1/v2 ``network.v2023xxxx`` modules); v3 has no
such modules, and these components have only ever registered the unversioned tokens. Any
other alias (a rename, a new parent, one a user passes) is kept.
"""

from __future__ import annotations

import copy
import re
from typing import Final

import pulumi

#: ``azure-native:<module>/v<YYYYMMDD>[preview]:<Type>``, the shape of a version alias.
_VERSION_TYPE: Final = re.compile(r"^azure-native:[A-Za-z0-9]+/v\d{8}(preview)?:[A-Za-z0-9]+$")


def is_api_version_alias(alias: object) -> bool:
    """An alias that only changes the type to an explicit-API-version token, nothing else."""
    if not (isinstance(alias, pulumi.Alias) and isinstance(alias.type_, str)):
        return False
    # ``...`` marks a field the alias leaves as it is (pulumi.Alias's own convention).
    others: tuple[object, ...] = (alias.name, alias.parent, alias.stack, alias.project)
    return bool(_VERSION_TYPE.match(alias.type_)) and all(value is ... for value in others)


def without_api_version_aliases(args: pulumi.ResourceTransformationArgs) -> pulumi.ResourceTransformationResult | None:
    """A resource transformation (the in-process kind: it runs before ``Resource.__init__``
    expands the aliases, which engine-side ``transforms`` would not)."""
    aliases = args.opts.aliases
    if not aliases:
        return None
    kept = [alias for alias in aliases if not is_api_version_alias(alias)]
    if len(kept) == len(aliases):
        return None
    opts = copy.copy(args.opts)  # merge() would append to the alias list, not replace it
    opts.aliases = kept or None
    return pulumi.ResourceTransformationResult(args.props, opts)


def lean(opts: pulumi.ResourceOptions | None) -> pulumi.ResourceOptions:
    """``opts`` plus the transformation, which the component's children inherit."""
    return pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(transformations=[without_api_version_aliases]))
