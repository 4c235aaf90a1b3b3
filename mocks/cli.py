"""The `sms-mocks` command."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

from sms_mocks import __version__
from sms_mocks.seam import registry
from sms_mocks.settings import environment
from sms_mocks.settings import kinds as kinds
from sms_mocks.settings import schema as schema
from sms_mocks.tls import options as tls_options

if TYPE_CHECKING:  # imported where used: `sms-mocks --help` stays quick
    from sms_mocks.config import Settings
    from sms_mocks.serving.app import EmulatorApp


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sms-mocks",
        description="Emulators of SMS gateway APIs: " + ", ".join(
            provider.title for provider in registry.providers()) + ".")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    _add_serve_options(commands.add_parser("serve", help="serve every provider on one port"))
    health = commands.add_parser("health", help="exit 0 if a server answers /_mock/health")
    health.add_argument("--url", help="the server (default: http://127.0.0.1:$SMS_MOCKS_PORT, "
                                      "else port 7214)")
    health.add_argument("--timeout", type=float, default=3.0, help="seconds (default 3)")
    conformance = commands.add_parser(
        "conformance", help="run the conformance scenarios against a deployment")
    from sms_mocks.conformance.runner import add_arguments
    add_arguments(conformance)
    from sms_mocks.record import cli as record
    record.add_record_arguments(commands.add_parser(
        "record", help="a recording proxy to a real service: exchanges to a cassette"))
    record.add_diff_arguments(commands.add_parser(
        "diff", help="replay a cassette against the emulator and show where it differs"))
    return parser


def _add_serve_options(serve: argparse.ArgumentParser) -> None:
    """serve's options, one for each setting of settings/schema.py that has a flag."""
    groups: dict[str, argparse._ActionsContainer] = {"": serve}
    for setting in schema.options():
        if setting.group not in groups:
            groups[setting.group] = serve.add_argument_group(setting.group)
        # A setting of the file defaults to None here: "not given", so the file's value stands.
        default = [] if setting.repeat else None if setting.key else setting.default
        shown = setting.shown_default or (
            "" if setting.default in (None, False) else str(setting.default))
        help_text = (f"{setting.help}{f' (default: {shown})' if shown else ''}"
                     f"{' (repeatable)' if setting.repeat else ''} "
                     f"[env {', '.join(setting.variables)}]")
        if isinstance(setting.kind, kinds.Switch):
            groups[setting.group].add_argument(setting.flag, action="store_true",
                                               help=help_text)
            continue
        choices = setting.kind.choices if isinstance(setting.kind, kinds.Choice) else None
        groups[setting.group].add_argument(
            setting.flag, type=schema.argument_type(setting), default=default,
            choices=choices, metavar=setting.metavar,
            action="append" if setting.repeat else "store", help=help_text)


def serve_parser() -> argparse.ArgumentParser:
    """The `serve` subcommand's parser: its options are what SMS_MOCKS_* variables stand for."""
    commands = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    serve: argparse.ArgumentParser = commands.choices["serve"]
    return serve


def main(argv: list[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    environ = os.environ if environ is None else environ
    argv = sys.argv[1:] if argv is None else argv
    parser = _parser()
    if argv[:1] == ["serve"]:
        try:
            argv = ["serve", *environment.option_arguments(environ), *argv[1:]]
        except ValueError as exc:
            print(f"sms-mocks: {exc}", file=sys.stderr)
            return 2
    args = parser.parse_args(argv)
    if args.command == "serve":
        return _serve(args, environ)
    if args.command == "health":
        return _health(args, environ)
    if args.command in ("record", "diff"):
        from sms_mocks.record.cli import run
        return run(args)
    if args.command == "conformance":
        from sms_mocks.conformance.runner import main as conformance
        try:
            return conformance(args)
        except BrokenPipeError:  # `| head`: the reader left; say nothing more
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 1
    return 2  # pragma: no cover - argparse requires a command


def clock_words(mode: str, speed: float) -> str:
    return f"accelerated x{speed:g}" if mode == "accelerated" else mode


def _health(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    from sms_mocks.serving.health import check, default_url

    healthy, said = check(args.url or default_url(environ), args.timeout)
    print(said, file=sys.stdout if healthy else sys.stderr)
    return 0 if healthy else 1


def known_variables() -> set[str]:
    """Every SMS_MOCKS_ variable serve reads, and the pytest plugin's (a CI job may set
    them for both)."""
    from sms_mocks.config import DEFAULT_RULES

    return environment.known(DEFAULT_RULES) | {"SMS_MOCKS_URL", "SMS_MOCKS_CACERT"}


def _repair(settings: Settings) -> int:
    """--repair: drop the data dir's damaged rows, one stderr line each; 2 if it cannot."""
    from sms_mocks.config import account_from_spec
    from sms_mocks.store import StoreError
    from sms_mocks.store.persistence import repair

    if not settings.data_dir:
        print("sms-mocks: --repair needs --data-dir", file=sys.stderr)
        return 2
    try:
        dropped = repair(settings.data_dir, [account_from_spec(spec)
                                             for spec in settings.accounts])
    except StoreError as exc:
        print(f"sms-mocks: {exc}", file=sys.stderr)
        return 2
    for damage in dropped:
        print(f"sms-mocks: --repair dropped {damage}", file=sys.stderr, flush=True)
    if not dropped:
        print(f"sms-mocks: --repair: data dir {settings.data_dir} has no damaged rows",
              file=sys.stderr, flush=True)
    return 0


def _serve(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    from sms_mocks.app import served
    from sms_mocks.config import ConfigError, load
    from sms_mocks.control.access import is_loopback
    from sms_mocks.serving.server import Listener, bind, serve_forever
    from sms_mocks.store import StoreError
    from sms_mocks.tls.files import TlsError

    for variable in environment.unknown(environ, known_variables()):
        print(f"sms-mocks: warning: {variable} is not a setting; ignored", file=sys.stderr)
    try:
        given = {s.attr: getattr(args, s.dest) for s in schema.options() if s.attr}
        settings = load(args.config, environ, freeze_gc=True, **given)
    except ConfigError as exc:
        print(f"sms-mocks: configuration error: {exc}", file=sys.stderr)
        return 2
    if settings.log_format is None:
        settings.log_format = "text"  # a person at a terminal; tests' servers stay quiet
    if settings.clock == "real" and settings.clock_speed <= 0:  # a real clock that never moves
        print("sms-mocks: configuration error: a real clock's speed ([clock] speed, "
              "--clock-speed) must be > 0; a clock that moves only when told is "
              "--clock virtual", file=sys.stderr)
        return 2
    try:
        tls = tls_options.prepare(args)
    except TlsError as exc:
        print(f"sms-mocks: TLS: {exc}", file=sys.stderr)
        return 2
    if args.repair and _repair(settings) != 0:
        return 2
    listeners = []
    for port, secure in [(args.port, bool(args.tls)), *((p, True) for p in args.tls_port)]:
        try:
            listeners.append(Listener(bind(args.host, port), secure))
        except OSError as exc:
            print(f"sms-mocks: cannot listen on {args.host}:{port}: {exc.strerror}",
                  file=sys.stderr)
            for listener in listeners:
                listener.sock.close()
            return 1

    if not settings.control_token and not (is_loopback(args.host.strip("[]"))
                                           or args.host == "localhost"):
        print(f"sms-mocks: warning: listening on {args.host} with no control token, so "
              "/_mock/ answers only loopback clients (403 to others). To use the control "
              "API and the inbox from elsewhere, start with --control-token TOKEN or "
              "SMS_MOCKS_CONTROL_TOKEN=TOKEN and send 'Authorization: Bearer TOKEN' (the "
              "inbox: open /_mock/ui?token=TOKEN).", file=sys.stderr, flush=True)

    def ready(urls: list[str], app: EmulatorApp) -> None:
        url = urls[0]
        clock = app.runtime.gateway.clock  # with --data-dir, the stored one resumed
        print(f"sms-mocks {__version__} serving {', '.join(served())} at {', '.join(urls)} "
              f"(control API: {url}/_mock/, inbox: {url}/_mock/ui/, "
              f"clock: {clock_words(clock.mode, clock.speed)})",
              flush=True)
        configured = "virtual" if settings.clock == "virtual" else \
            clock_words("real" if settings.clock_speed == 1 else "accelerated",
                        settings.clock_speed)
        if clock_words(clock.mode, clock.speed) != configured:
            print(f"sms-mocks: note: the clock resumed from {settings.data_dir} keeps its "
                  f"own speed, not the configured {configured}; change it with "
                  "POST /_mock/clock/speed", file=sys.stderr, flush=True)
        for line in tls_options.describe(tls) if tls else ():
            print(line, flush=True)

    try:
        serve_forever(settings, listeners, ready, tls)
    except StoreError as exc:
        print(f"sms-mocks: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
