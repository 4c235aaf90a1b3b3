"""The `sms-mocks` command."""

from __future__ import annotations

import argparse
import os
import sys

from mocks import __version__
from mocks.config import ConfigError, load
from mocks.tls import options as tls_options


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sms-mocks",
        description="Emulators of the SMSC, SMS-Pager and TargetSMS gateway APIs.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve every provider on one port")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=7214, help="port (default 7214)")
    serve.add_argument("--config", metavar="FILE", help="a TOML configuration file")
    serve.add_argument("--seed", type=int, help="seed for every random choice")
    serve.add_argument("--clock", choices=("real", "virtual"),
                       help="real (default; see --clock-speed) or virtual (moves only when "
                            "advanced through /_mock/clock/advance)")
    serve.add_argument("--clock-speed", type=float, metavar="X",
                       help="with a real clock, run X times faster than wall time")
    serve.add_argument("--data-dir", metavar="DIR",
                       help="keep accounts, messages, templates and the clock in SQLite in DIR "
                            "and resume from it on the next start (default: memory only)")
    tls_options.add_arguments(serve)
    conformance = commands.add_parser(
        "conformance", help="run the conformance scenarios against a deployment")
    from mocks.conformance.runner import add_arguments
    add_arguments(conformance)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "serve":
        return _serve(args)
    if args.command == "conformance":
        from mocks.conformance.runner import main as conformance
        try:
            return conformance(args)
        except BrokenPipeError:  # `| head`: the reader left; say nothing more
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 1
    return 2  # pragma: no cover - argparse requires a command


def _serve(args: argparse.Namespace) -> int:
    from mocks.app import SERVED
    from mocks.server import Listener, bind, serve_forever
    from mocks.store import StoreError
    from mocks.tls.files import TlsError

    try:
        settings = load(args.config, clock=args.clock, clock_speed=args.clock_speed,
                        seed=args.seed, freeze_gc=True, data_dir=args.data_dir)
    except ConfigError as exc:
        print(f"sms-mocks: configuration error: {exc}", file=sys.stderr)
        return 2
    if settings.clock_speed <= 0:
        print("sms-mocks: --clock-speed must be > 0", file=sys.stderr)
        return 2
    try:
        tls = tls_options.prepare(args)
    except TlsError as exc:
        print(f"sms-mocks: TLS: {exc}", file=sys.stderr)
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

    def ready(urls: list[str]) -> None:
        url = urls[0]
        print(f"sms-mocks {__version__} serving {', '.join(SERVED)} at {', '.join(urls)} "
              f"(control API: {url}/_mock/, clock: {settings.clock})", flush=True)
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
