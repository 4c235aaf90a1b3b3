"""The Prometheus text exposition (format 0.0.4) of a running emulator, written by hand: a
few dozen lines need no dependency.

Request counts and latencies come from the request log (requests.py); messages by state,
balances, pending transitions and the clock are read from the gateway when scraped (messages
by walking the store: a scrape costs time in proportion to the messages kept)."""

from __future__ import annotations

import time
from collections import Counter
from typing import TYPE_CHECKING

from sms_mocks import __version__

if TYPE_CHECKING:
    from sms_mocks.serving.runtime import Runtime

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(**labels: str) -> str:
    return "{" + ",".join(f'{k}="{_escape(v)}"' for k, v in labels.items()) + "}"


def _family(lines: list[str], name: str, kind: str, description: str) -> None:
    lines.append(f"# HELP {name} {description}")
    lines.append(f"# TYPE {name} {kind}")


def exposition(runtime: Runtime) -> str:
    runtime.requests.flush()
    gateway = runtime.gateway
    lines: list[str] = []
    _family(lines, "sms_mocks_info", "gauge", "The emulator's version.")
    lines.append(f"sms_mocks_info{_labels(version=__version__)} 1")

    _family(lines, "sms_mocks_requests_total", "counter",
            "Provider requests by provider, endpoint and outcome (as the provider words it; "
            "what a fault rule made of it as the client got it: http 503, closed, reset...).")
    for (provider, endpoint, outcome), count in sorted(runtime.requests.requests.items()):
        labels = _labels(provider=provider, endpoint=endpoint, outcome=outcome)
        lines.append(f"sms_mocks_requests_total{labels} {count}")

    _family(lines, "sms_mocks_request_duration_seconds", "histogram",
            "Time from a provider request's arrival to its answer, by provider and endpoint.")
    for (provider, endpoint), histogram in sorted(runtime.requests.latency.items()):
        for bound, count in histogram.cumulative():
            labels = _labels(provider=provider, endpoint=endpoint, le=bound)
            lines.append(f"sms_mocks_request_duration_seconds_bucket{labels} {count}")
        labels = _labels(provider=provider, endpoint=endpoint)
        lines.append(f"sms_mocks_request_duration_seconds_sum{labels} {histogram.total!r}")
        lines.append(f"sms_mocks_request_duration_seconds_count{labels} {histogram.count}")

    _family(lines, "sms_mocks_messages", "gauge", "Messages kept, by provider and state.")
    states = Counter((m.account.provider, m.state.label) for m in gateway.store)
    for (provider, state), count in sorted(states.items()):
        lines.append(f"sms_mocks_messages{_labels(provider=provider, state=state)} {count}")

    _family(lines, "sms_mocks_account_balance", "gauge",
            "Each account's balance, in its currency.")
    for account in sorted(gateway.accounts, key=lambda a: (a.provider, a.login)):
        labels = _labels(provider=account.provider, account=account.login,
                         currency=account.currency)
        lines.append(f"sms_mocks_account_balance{labels} {float(account.balance)!r}")

    _family(lines, "sms_mocks_pending_transitions", "gauge",
            "Timers waiting on the clock (queued sends, reports, expiries).")
    lines.append(f"sms_mocks_pending_transitions {len(gateway.engine)}")
    _family(lines, "sms_mocks_clock_offset_seconds", "gauge",
            "The emulator's clock minus the host's wall clock.")
    lines.append(f"sms_mocks_clock_offset_seconds {gateway.now() - time.time():.3f}")
    _family(lines, "sms_mocks_clock_speed", "gauge", "0: virtual; 1: real; X: accelerated.")
    lines.append(f"sms_mocks_clock_speed {gateway.clock.speed!r}")
    _family(lines, "sms_mocks_callbacks_pending", "gauge", "Callback POSTs waiting to go.")
    lines.append(f"sms_mocks_callbacks_pending {runtime.outbox.pending}")
    _family(lines, "sms_mocks_internal_errors_total", "counter",
            "Unexpected exceptions (bugs of ours), as /_mock/health counts them.")
    lines.append(f"sms_mocks_internal_errors_total {runtime.internal_errors}")
    return "\n".join(lines) + "\n"
