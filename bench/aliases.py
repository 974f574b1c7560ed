"""The alias filter the components apply, re-exported for the benchmark's raw variants.

It lives in ``components.version_aliases`` (the components use it on every child); see there
for why dropping azure-native's API-version aliases is safe and what it saves.
"""

from components.version_aliases import is_api_version_alias, without_api_version_aliases

__all__ = ["is_api_version_alias", "without_api_version_aliases"]
