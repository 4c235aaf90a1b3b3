"""What happens to a message, decided before it leaves so that runs are deterministic.

Magic numbers, reserved in a range no real subscriber is expected to be tested with
(+7 900 000 ABBB):
  79000000000 and any other number outside the range: delivered
  79000000001: the network never answers, so the message expires when its validity ends
  790000010NN…79000001999: undelivered, with err = the last three digits (79000001006: err 6)
"""

from __future__ import annotations

from mocks.core.delivery import DELIVER, Outcome
from mocks.core.messages import ERR_VIRTUAL, State

MAGIC_PREFIX = "7900000"
NEVER_ANSWERS = Outcome(State.EXPIRED)
VIRTUAL = Outcome(State.DELIVERED, err=ERR_VIRTUAL)  # an account in test mode


def for_phone(digits: str) -> Outcome:
    if len(digits) != 11 or not digits.startswith(MAGIC_PREFIX):
        return DELIVER
    kind, code = digits[7], int(digits[8:])
    if kind == "0" and code == 1:
        return NEVER_ANSWERS
    if kind == "1" and code:
        return Outcome(State.UNDELIVERED, err=code)
    return DELIVER
