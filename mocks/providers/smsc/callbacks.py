"""Status callbacks: each status change of a message of an account with a callback URL (sent
to the operator, then the final status) is POSTed there, form-encoded, as SMSC does (FACTS
B.5): id, phone, status, err, ts, type, flag and md5 = md5("id:phone:status:secret"). The
outbox retries what fails. With a data dir, a callback waits for the commit of the change it
reports (the store's barrier on the event bus), and is dropped if that change is rolled back."""

from __future__ import annotations

import hashlib

from sms_mocks.core.events import EventBus, StatusEvent
from sms_mocks.core.messages import Message, State
from sms_mocks.outbound.outbox import Outbox, barrier_of
from sms_mocks.providers.smsc import codes

PROVIDER = "smsc"


def form(event: StatusEvent) -> dict[str, str]:
    message = event.message
    state = event.state
    status = (codes.rejected_status(event.err) if state is State.REJECTED
              else codes.status_of(state))
    fields = {"id": message.ext_id, "phone": message.phone, "status": str(status),
              "err": str(event.err), "ts": str(int(event.at)),
              "type": str(codes.TYPES.get(message.channel, 0)), "flag": "0"}
    signed = f"{fields['id']}:{fields['phone']}:{fields['status']}:"
    fields["md5"] = hashlib.md5((signed + message.account.callback_secret).encode()).hexdigest()
    return fields


def attach(events: EventBus, outbox: Outbox) -> None:
    def on_status(event: StatusEvent) -> None:
        # Waiting to leave (-1) is where a message starts, not a change of status.
        if event.state is not State.QUEUED:
            barrier = barrier_of(events)
            if barrier is None:
                outbox.post(event.message.account.callback_url, form(event))
            else:
                barrier.hold(outbox, event.message.account.callback_url, form(event))

    def wants(message: Message) -> bool:
        return message.account.callback_url != "" and message.account.provider == PROVIDER

    events.subscribe(on_status, wants)
