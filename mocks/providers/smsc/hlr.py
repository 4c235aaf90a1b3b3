"""What an HLR request reads back: the subscriber's IMSI, serving MSC, network and roaming.

The field names are those of SMSC's HLR report over SMPP (imsi, msc, mcc, mnc, cn, net, rcn,
rnet; docs/research-smsc-http.md §1.4); status.php's numbers form puts them, in that order,
between err and the rest, where SMSC's PHP library reads them (FACTS B.3). The values are made
up from the number, the same every time: no real HLR is asked.
"""

from __future__ import annotations

from sms_mocks.core.messages import Message, State
from sms_mocks.core.numbering import lookup

KEYS = ("imsi", "msc", "mcc", "mnc", "cn", "net", "rcn", "rnet")
SENDER = "HLR"  # the sender_id of a request, which SMSC's PHP library looks for


def fields(message: Message) -> list[tuple[str, object]]:
    info = lookup(message.phone)
    known = message.state is State.DELIVERED and info is not None
    if not known or info is None:
        return [(key, "") for key in KEYS]
    digits = message.phone
    subscriber = int(digits[-9:]) * 7919 % 10**10
    return [("imsi", f"{info.mcc}{info.mnc}{subscriber:010d}"[:15]),
            ("msc", f"{digits[:4]}{int(digits[-7:]) % 10**7 // 1000:04d}0000"[:11]),
            ("mcc", info.mcc), ("mnc", info.mnc), ("cn", info.country_name),
            ("net", info.operator), ("rcn", ""), ("rnet", "")]
