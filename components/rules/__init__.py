"""The one rule module: components, the CLI and the policy pack all check through here."""
