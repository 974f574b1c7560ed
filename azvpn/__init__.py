"""azvpn: the offline tools (plan, check, diff, device-config) around the components."""
