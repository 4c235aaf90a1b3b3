"""`sms-mocks record` and `sms-mocks diff`: their options and what each run prints.

Imported when the command line is parsed, so only argparse at the top; the rest is imported
by the command that needs it.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

WARNING = ("sms-mocks record: every request is forwarded to {upstream} as it is: real "
           "messages will be sent to real phones and charged to the account the requests "
           "name. Send only to numbers you own, and list them with --phone.")


def _example_upstream() -> str:
    """A real service's URL, for examples: the first registered provider's first host."""
    from sms_mocks.seam import registry

    hosts = [host for provider in registry.providers() for host in provider.hosts]
    return f"https://{hosts[0]}" if hosts else "https://<the service's host>"


def add_record_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--upstream", metavar="URL",
                        help=f"the real service to forward to, e.g. {_example_upstream()} "
                             "(required unless --dry)")
    parser.add_argument("--cassette", metavar="FILE",
                        help="where to write the exchanges (default: "
                             "recording-<host>-<UTC time>.json here); never overwritten")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=7214,
                        help="port (default 7214, the emulator's, so clients need no change; "
                             "0 picks a free one)")
    parser.add_argument("--phone", action="append", default=[], metavar="NUMBER",
                        help="a phone number to redact wherever it appears (repeatable); it "
                             "becomes 7999000000N")
    parser.add_argument("--secret", action="append", default=[], metavar="TEXT",
                        help="any other text to redact wherever it appears (repeatable)")
    parser.add_argument("--dry", action="store_true",
                        help="answer from an emulator started here instead of forwarding: "
                             "nothing leaves this machine")
    parser.add_argument("--config", metavar="FILE", help="with --dry: the emulator's configuration")
    parser.add_argument("--timeout", type=float, default=60.0,
                        help="seconds to wait for the upstream (default 60)")
    parser.add_argument("--cacert", metavar="FILE",
                        help="trust this CA for an https:// upstream (default: the system's)")


def add_diff_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("cassette", metavar="CASSETTE", help="a file `sms-mocks record` wrote")
    parser.add_argument("--config", metavar="FILE",
                        help="the emulator's configuration: make its accounts like the real "
                             "one (senders, tariff, balance); passwords come from the cassette")
    parser.add_argument("--exchange", type=int, action="append", metavar="N",
                        help="judge (and save) only exchange N (repeatable); the others are "
                             "still replayed, in order")
    parser.add_argument("--save-golden", action="store_true",
                        help="also write the exchanges to <golden-dir>/<provider>/recorded.toml")
    parser.add_argument("--golden-dir", default="fixtures/golden", metavar="DIR",
                        help="where --save-golden writes (default fixtures/golden)")


def run(args: argparse.Namespace) -> int:
    return record(args) if args.command == "record" else diff(args)


def _cassette_path(args: argparse.Namespace, upstream: str) -> Path:
    if args.cassette:
        return Path(args.cassette)
    from urllib.parse import urlsplit

    host = urlsplit(upstream).hostname or "emulator"
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path(f"recording-{'dry' if args.dry else host}-{stamp}.json")


def record(args: argparse.Namespace, out: TextIO | None = None,
           stop: threading.Event | None = None) -> int:
    """Serves until SIGINT or SIGTERM (or until `stop` is set, for a caller's thread)."""
    import ssl

    from sms_mocks.record import dialects
    from sms_mocks.record.cassette import Cassette, Writer
    from sms_mocks.record.proxy import RecordingProxy, Upstream
    from sms_mocks.record.redact import SECRET_FIELDS, Redactor

    out = out or sys.stdout
    if not args.upstream and not args.dry:
        print("sms-mocks record: --upstream URL is required (the real service, e.g. "
              f"{_example_upstream()}); --dry records the emulator's answers instead",
              file=sys.stderr)
        return 2
    if args.config and not args.dry:
        print("sms-mocks record: --config configures the --dry emulator only", file=sys.stderr)
        return 2
    try:
        if args.upstream:
            Upstream.parse(args.upstream)
        redactor = Redactor(args.phone, args.secret)
        context = ssl.create_default_context(cafile=args.cacert) if args.cacert else None
    except (ValueError, OSError) as exc:
        print(f"sms-mocks record: {exc}", file=sys.stderr)
        return 2
    emulator = None
    if args.dry:
        from sms_mocks.config import ConfigError, load
        from sms_mocks.serving.server import ServerThread
        try:
            emulator = ServerThread(load(args.config)).start()
        except ConfigError as exc:
            print(f"sms-mocks record: configuration error: {exc}", file=sys.stderr)
            return 2
    upstream = emulator.url if emulator else args.upstream
    path = _cassette_path(args, upstream)
    try:
        if path.exists():
            raise FileExistsError(f"{path} exists; a cassette is never overwritten")
        path.parent.mkdir(parents=True, exist_ok=True)
        writer = Writer(path, Cassette(upstream, args.dry, time.time(), {
            "marker": "REDACTED-<n>, one per distinct secret",
            "fields": [*SECRET_FIELDS, *(where for d in dialects.all_dialects()
                                         for where in d.redacted),
                       "Authorization, Cookie headers"],
            "phones": f"{redactor.phone_count} listed number(s) → 7999000000N",
            "secrets": f"{len(args.secret)} listed text(s)"}))
        proxy = RecordingProxy(upstream, writer, redactor, host=args.host, port=args.port,
                               timeout=args.timeout, context=context,
                               log=lambda line: print(line, file=out, flush=True))
    except OSError as exc:
        print(f"sms-mocks record: {exc}", file=sys.stderr)
        if emulator:
            emulator.stop()
        return 1
    if args.dry:
        print("sms-mocks record: --dry: answers come from an emulator on this machine; "
              "nothing is sent", file=sys.stderr, flush=True)
    else:
        print(WARNING.format(upstream=upstream), file=sys.stderr, flush=True)
    print(f"sms-mocks record: proxy at {proxy.url} → {upstream}, writing {path}",
          file=out, flush=True)
    if stop is None:
        stop = threading.Event()
        _on_signals(stop)
    proxy.start()
    while not stop.wait(0.2):  # a short wait, so a signal's handler gets its turn
        pass
    proxy.stop()
    if emulator:
        emulator.stop()
    count = len(writer.cassette.exchanges)
    print(f"sms-mocks record: {count} exchange(s) in {path}", file=out, flush=True)
    return 0


def _on_signals(stop: threading.Event) -> None:
    import signal

    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())


def diff(args: argparse.Namespace, out: TextIO | None = None) -> int:
    from sms_mocks.config import ConfigError
    from sms_mocks.record import cassette as cassettes
    from sms_mocks.record import diff as differ
    from sms_mocks.record import golden

    out = out or sys.stdout
    try:
        recorded = cassettes.load(args.cassette)
    except cassettes.CassetteError as exc:
        print(f"sms-mocks diff: {exc}", file=sys.stderr)
        return 2
    only = set(args.exchange) if args.exchange else None
    try:
        verdicts = differ.run(recorded, args.config, only)
    except ConfigError as exc:
        print(f"sms-mocks diff: configuration error: {exc}", file=sys.stderr)
        return 2
    source = "the emulator itself (--dry)" if recorded.dry else recorded.upstream
    print(f"sms-mocks diff: {len(recorded.exchanges)} exchange(s) recorded from {source}",
          file=out)
    for verdict in verdicts:
        print(verdict.line(), file=out)
    differ_count = sum(1 for v in verdicts if v.difference)
    skipped = sum(1 for v in verdicts if v.skipped)
    print(f"{len(verdicts) - differ_count - skipped} match, {differ_count} differ"
          + (f", {skipped} skipped" if skipped else ""), file=out, flush=True)
    if args.save_golden:
        try:
            saved = golden.save(recorded, args.cassette, Path(args.golden_dir), only)
        except golden.GoldenError as exc:
            print(f"sms-mocks diff: {exc}", file=sys.stderr)
            return 2
        for path, key in saved:
            print(f"saved {key} to {path}", file=out)
        if differ_count:
            print(f"note: {differ_count} saved golden(s) differ from the emulator; the golden "
                  "suite fails on them until the emulator is fixed", file=out, flush=True)
    return 1 if differ_count else 0
