"""The ``azvpn`` command: plan and check a stack offline, without the Pulumi CLI or an Azure account.

    azvpn plan  [--stack dev] [--format text|json|mermaid] [--fenced] [-C DIR]
    azvpn check [--stack dev] [-C DIR]
    azvpn diff  --base REF [--stack dev] [--format markdown|json] [--fail-on-weaker] [-C DIR]
    azvpn device-config --site NAME --vendor VENDOR [--stack dev] [--azure-gateway-ip IP]
                        [--shared-key-env VAR] [-C DIR]

Exit status: 0 when the stack is valid, 1 when its config (or stack file) is not, with only
the problems on stderr, 2 for a usage error (diff: also a base ref that cannot be planned),
3 from ``diff --fail-on-weaker`` when a policy gets weaker or gains a forbidden algorithm.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import pulumi

from azvpn.check import check_stack, render_check
from azvpn.device_config_cli import DeviceConfigRequest, render_site_device_config
from azvpn.diff import run_diff
from azvpn.plan import plan_stack
from azvpn.plan_report import plan_document, render_json
from azvpn.plan_text import render_text
from azvpn.stack_files import StackFileError
from azvpn.topology_mermaid import render_mermaid
from components.device_config import VENDORS
from components.rules.problems import RuleViolation

#: What a broken config or stack file raises: a message that names every key path, and
#: nothing a traceback would add.
_CONFIG_ERRORS = (pulumi.RunError, RuleViolation, StackFileError)


def _write(stream: TextIO, text: str) -> None:
    # The tree and RFC citations use non-ASCII; a legacy console codepage gets '?' rather
    # than a UnicodeEncodeError halfway through a plan.
    encoding = getattr(stream, "encoding", None) or "utf-8"
    stream.write(text.encode(encoding, errors="replace").decode(encoding))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="azvpn", description="Plan and check an azure-ipsec-vpn stack offline (no Pulumi CLI, no Azure).")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-s", "--stack", default="dev", help="stack name: reads Pulumi.<stack>.yaml (default: dev)")
    common.add_argument("-C", "--cwd", type=Path, default=Path("."), metavar="DIR",
                        help="the Pulumi project directory, as `pulumi -C` (default: the current directory)")
    plan = commands.add_parser(
        "plan", parents=[common], help="what `pulumi preview` would create, under the SDK's mock runtime",
        description="Run the project's __main__.py under Pulumi's mock runtime with the stack's config and print "
                    "what `pulumi preview` would create. `secure:` values are never decrypted: they stay secrets.")
    plan.add_argument("-f", "--format", choices=("text", "json", "mermaid"), default="text",
                      help="text (a preview-like tree), json (PLAN_JSON.md, schemaVersion 1) or mermaid (topology)")
    plan.add_argument("--fenced", action="store_true",
                      help="with --format mermaid: wrap the diagram in a ```mermaid block for Markdown")
    commands.add_parser(
        "check", parents=[common], help="validate config and policies only (fast: no resource graph)",
        description="Check the stack's config and every policy with the rules the program runs, and print "
                    "warnings and strength findings per connection.")
    diff = commands.add_parser(
        "diff", parents=[common], help="what a change does to the VPN, compared with a git ref (for PR review)",
        description="Plan the stack at a git ref (in a temporary worktree) and in the working tree, and report "
                    "resources added/removed/updated/replaced by component, each policy change with a "
                    "stronger/weaker verdict, and what operators must do. Secret values are never shown.")
    diff.add_argument("--base", required=True, metavar="REF", help="git ref to compare with, e.g. origin/main")
    diff.add_argument("-f", "--format", choices=("markdown", "json"), default="markdown",
                      help="markdown (a PR comment) or json (for tools)")
    diff.add_argument("--fail-on-weaker", action="store_true",
                      help="exit 3 when a policy gets weaker or gains a forbidden (RFC MUST NOT) algorithm")
    device = commands.add_parser(
        "device-config", parents=[common], help="a site's on-premises VPN device configuration from its policy",
        description="Render the on-premises device configuration of a site from the same policy, prefixes, "
                    "selectors and DPD as its Azure connection. The gateway IP and the key exist only after "
                    "`pulumi up`: unless given, they are written as placeholders no device accepts.")
    device.add_argument("--site", required=True, help="a name under `sites` in the stack config")
    device.add_argument("--vendor", required=True, choices=VENDORS, help="the device platform")
    device.add_argument("--azure-gateway-ip", metavar="IP", help="the Azure gateway's public IP, if known")
    device.add_argument("--shared-key-env", metavar="VAR",
                        help="read the shared key from this environment variable (never pass a key as an argument)")
    return parser


def _plan(args: argparse.Namespace, out: TextIO) -> None:
    # Anything the program prints goes to stderr, so `--format json` stays parseable on stdout.
    with contextlib.redirect_stdout(sys.stderr):
        result = plan_stack(args.cwd, args.stack)
    document = plan_document(result)
    if args.format == "json":
        _write(out, render_json(document))
    elif args.format == "mermaid":
        _write(out, render_mermaid(document, fenced=args.fenced))
    else:
        _write(out, render_text(document))


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "plan" and args.fenced and args.format != "mermaid":
        parser.error("--fenced applies to --format mermaid")
    try:
        if args.command == "plan":
            _plan(args, sys.stdout)
        elif args.command == "device-config":
            _write(sys.stdout, render_site_device_config(args.cwd, args.stack, DeviceConfigRequest(
                args.site, args.vendor, args.azure_gateway_ip, args.shared_key_env)))
        elif args.command == "diff":
            return run_diff(args.cwd, args.stack, args.base, args.format, args.fail_on_weaker, sys.stdout, sys.stderr)
        else:
            _write(sys.stdout, render_check(check_stack(args.cwd, args.stack)))
    except _CONFIG_ERRORS as error:
        _write(sys.stderr, f"{error}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
