"""Drop azure-native's API-version aliases before the Python SDK expands them.

Why: every azure-native v3 resource carries one alias per historical API version
(``azure-native:network/v20150615:VirtualNetworkGatewayConnection`` ... 59 of them for a
connection). pulumi 3.x ``Resource.__init__`` turns each into an alias URN eagerly
(``collapse_alias_to_urn``: an ``Output.all`` and an ``apply`` each, one more ``apply`` on the
parent's URN when there is a parent), although an engine that supports alias specs never
reads that list (``prepare_aliases`` sends the specs). Known upstream: pulumi/pulumi#10010
(open: parenting with many aliases slows SDK execution); #11064 moved the computation to
the engine but left this eager copy in place. Measured here it is most of the plan time.

What is lost: those aliases let the engine match a resource recorded under an explicit-version
type token (azure-native v1/v2 ``network.v2023xxxx`` modules) to today's unversioned token.
azure-native v3 has no explicit-version modules (its v2 -> v3 upgrade guide), so a resource
created by a v3 program is never recorded under one; only a stack that still holds such
resources needs them. Other aliases (type renames, names, parents) are kept.
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
    """A (legacy, in-process) resource transformation; it runs before ``Resource.__init__``
    expands the aliases, which the newer engine-side ``transforms`` would not."""
    aliases = args.opts.aliases
    if not aliases:
        return None
    kept = [alias for alias in aliases if not is_api_version_alias(alias)]
    if len(kept) == len(aliases):
        return None
    opts = copy.copy(args.opts)  # merge() would append to the alias list, not replace it
    opts.aliases = kept or None
    return pulumi.ResourceTransformationResult(args.props, opts)
