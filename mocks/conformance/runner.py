"""Runs scenarios against a target and prints a pass/fail table per provider; the
`sms-mocks conformance` command."""

from __future__ import annotations

import argparse
import os
import sys
import time
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

from sms_mocks.conformance.scenario import Scenario, all_scenarios
from sms_mocks.conformance.target import PROVIDERS, Credentials, Skip, Target, env_credentials

PASS, FAIL, SKIP = "PASS", "FAIL", "SKIP"


@dataclass(frozen=True, slots=True)
class Outcome:
    scenario: Scenario
    verdict: str
    detail: str
    seconds: float


def run_one(scenario: Scenario, target: Target) -> Outcome:
    """The scenario's verdict; the accounts it made on an emulator are removed after it."""
    started = time.monotonic()
    try:
        try:
            scenario.run(target)
        finally:
            left = target.tidy()
        if left:
            raise AssertionError("could not remove the accounts it made: " + "; ".join(left))
    except Skip as reason:
        verdict, detail = SKIP, str(reason)
    except AssertionError as failure:
        verdict, detail = FAIL, str(failure)
    except Exception as error:  # no answer, a garbled one: the target failed the scenario
        verdict, detail = FAIL, f"{type(error).__name__}: {error}"
    else:
        verdict, detail = PASS, scenario.title
    return Outcome(scenario, verdict, detail, time.monotonic() - started)


def run(target: Target, scenarios: Sequence[Scenario]) -> list[Outcome]:
    return [run_one(scenario, target) for scenario in scenarios]


def table(outcomes: Sequence[Outcome], target: Target, width: int = 120) -> str:
    """One table per provider: verdict, scenario, and the title, the failure or the reason
    for a skip (cut to fit `width`)."""
    lines: list[str] = []
    for provider in PROVIDERS:
        rows = [o for o in outcomes if o.scenario.provider == provider]
        if not rows:
            continue
        name_width = max(len(o.scenario.name) for o in rows)
        counts = {v: sum(o.verdict == v for o in rows) for v in (PASS, FAIL, SKIP)}
        lines.append(f"{provider} at {target.base(provider)}: {counts[PASS]} passed, "
                     f"{counts[FAIL]} failed, {counts[SKIP]} skipped")
        for o in rows:
            detail = " ".join(o.detail.split())
            room = max(20, width - name_width - 9)
            if len(detail) > room:
                detail = detail[:room - 1] + "…"
            lines.append(f"  {o.verdict}  {o.scenario.name:<{name_width}}  {detail}")
            if o.scenario.follows:  # the document and the live service disagree here
                lines.append(f"  {'':4}  {'':<{name_width}}  follows {o.scenario.follows}")
        lines.append("")
    return "\n".join(lines)


def exit_status(outcomes: Sequence[Outcome]) -> int:
    """0 when nothing failed and something passed; 1 otherwise (a run that skipped
    everything proves nothing)."""
    verdicts = {o.verdict for o in outcomes}
    return 0 if FAIL not in verdicts and PASS in verdicts else 1


def trust(cafile: str) -> None:
    """Every client of the run, this process's and the programs it starts, trusts `cafile`
    (instead of the system's CAs): each reads one of these variables."""
    path = os.path.abspath(cafile)
    for variable in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        os.environ[variable] = path  # OpenSSL (urllib, httpx, PHP), requests (zeep), curl


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--target", required=True, metavar="URL",
                        help="the base URL: an sms-mocks deployment or a provider's host")
    parser.add_argument("--provider", action="append", choices=PROVIDERS,
                        help="only this provider (repeatable; default: all three)")
    parser.add_argument("--login", help="a real account's login (default: PROVIDER_LOGIN)")
    parser.add_argument("--password", help="its password (default: PROVIDER_PASSWORD)")
    parser.add_argument("--sender", default="", help="its approved sender, for TargetSMS")
    parser.add_argument("--spend", action="store_true",
                        help="on a real service, also run the scenarios that send real SMS "
                             "(to --phone)")
    parser.add_argument("--phone", help="your own number, for --spend")
    parser.add_argument("--token", help="the emulator's control token, for /_mock/ from "
                                        "elsewhere (default: SMS_MOCKS_CONTROL_TOKEN)")
    parser.add_argument("--cacert", metavar="FILE",
                        help="trust this CA for an https:// target (an emulator's --tls CA), "
                             "in every client: urllib, curl, httpx, zeep and PHP")
    parser.add_argument("--allow-clock", action="store_true",
                        help="let scenarios move the clock of an emulator whose clock runs on "
                             "its own (a shared sandbox); without it they are skipped. One on "
                             "--clock virtual is moved anyway: nobody else reads it")
    parser.add_argument("-k", dest="only", default="", metavar="TEXT",
                        help="only scenarios whose provider-name contains TEXT")


def main(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    providers = tuple(args.provider or PROVIDERS)
    parts = urllib.parse.urlsplit(args.target)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        print(f"sms-mocks: --target must be an http:// or https:// URL, not {args.target!r}",
              file=sys.stderr)
        return 2
    if args.cacert:
        if not os.path.isfile(args.cacert):
            print(f"sms-mocks: --cacert: no such file {args.cacert!r}", file=sys.stderr)
            return 2
        trust(args.cacert)
    credentials = env_credentials(dict(os.environ))
    if args.login or args.password:
        if not (args.login and args.password):
            print("sms-mocks: --login and --password go together", file=sys.stderr)
            return 2
        for provider in providers:
            credentials[provider] = Credentials(args.login, args.password, args.sender)
    target = Target(args.target, credentials=credentials,
                    spend=args.spend or os.environ.get("CONFORMANCE_SPEND") == "1",
                    phone=args.phone or os.environ.get("CONFORMANCE_PHONE") or None,
                    token=args.token or os.environ.get("SMS_MOCKS_CONTROL_TOKEN") or None,
                    allow_clock=args.allow_clock)
    if not target.emulator and target.unreachable:
        print(f"sms-mocks: cannot reach {args.target}: {target.unreachable}", file=sys.stderr)
        return 1
    scenarios = [s for s in all_scenarios(providers) if args.only in s.id]
    kind = "the emulator" if target.emulator else "not an emulator: no clock, own accounts"
    print(f"conformance: {len(scenarios)} scenarios against {args.target} ({kind})", file=out,
          flush=True)
    outcomes = run(target, scenarios)
    print(table(outcomes, target), file=out)
    return exit_status(outcomes)
