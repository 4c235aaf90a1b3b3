"""Near-miss explanations for the core's refusals of a send, in a provider's parameter names.

A dialect's reader replays the refused send as a dry run (which changes nothing) against the
account as it is now; the reason and the refused recipients it gives are explained here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sms_mocks.core.accounts import Account
from sms_mocks.core.gateway import Gateway, Refusal, Rejected, SendRefused, SendRequest
from sms_mocks.core.messages import ERR_BAD_NUMBER, ERR_NO_ROUTE, ERR_NUMBER_FORBIDDEN
from sms_mocks.core.outcomes import decided_by
from sms_mocks.core.phones import PhoneProblem, parse


@dataclass(frozen=True, slots=True)
class Words:
    """A provider's names for the parameters a refusal is about."""

    phone: str  # "phone" (SMSC's phones hold one or more), "dadr", "number"
    sender: str  # "sender", "sadr", "source"
    text: str  # "mes", "text"


PHONE_FORMAT = "must be 7XXXXXXXXXX or another country's international number"


def replay(gateway: Gateway, account: Account, request: SendRequest, words: Words,
           rule: str = "") -> str | None:
    """Why this send is refused now, or None when it would go through (or cannot be told)."""
    try:
        result = gateway.send(account, request, dry_run=True)
    except SendRefused as refused:
        return refusal(refused, account, request, words, rule)
    if not gateway.ledger.can_pay(account, result.cost):
        return no_funds(account, result.cost)
    return None


def no_funds(account: Account, cost: Decimal) -> str:
    credit = f" plus the credit {account.credit:.2f}" if account.credit else ""
    return f"balance {account.balance:.2f}{credit} is less than the cost {cost:.2f}"


def refusal(refused: SendRefused, account: Account, request: SendRequest, words: Words,
            rule: str = "") -> str | None:
    reason = refused.reason
    if refused.decided is not None:  # a magic 9BBB code: no near miss to point at
        return f"{decided_by(refused.decided, refused.phone)}: {reason.value.replace('_', ' ')}"
    senders = [item.sender for item in request.items if item.sender]
    if reason is Refusal.ACCOUNT_BLOCKED:
        return f"account '{account.login}' is blocked"
    if reason is Refusal.SENDER_UNKNOWN:
        unknown = next((s for s in senders if account.sender_state(s) is None), "")
        return f"{words.sender} '{unknown}' is not registered for this account"
    if reason is Refusal.SENDER_NOT_MODERATED:
        for name in senders:
            state = account.sender_state(name)
            if state is not None and state.value != "approved":
                return f"{words.sender} '{name}' is not approved yet (it is {state.value})"
        return None
    if reason is Refusal.TEXT_REJECTED:
        texts = " ".join(item.text.lower() for item in request.items)
        banned = sorted(w for w in account.banned_words if w in texts)
        return f"{words.text} contains the banned word '{banned[0]}'" if banned else None
    if reason is Refusal.NO_FUNDS:
        return None  # a dry run never refuses for money: replay() compares the cost itself
    if reason in (Refusal.NO_PACKAGE, Refusal.PACKAGE_USED_UP):
        what = "no prepaid package covers" if reason is Refusal.NO_PACKAGE else \
            "the prepaid packages are used up for"
        return f"{what} the {words.phone} of this send (packages: " \
            + ", ".join(f"{k}={v}" for k, v in account.packages.items()) + ")"
    return recipients(refused.rejected, account, words, rule)


def recipients(rejected: list[Rejected], account: Account, words: Words,
               rule: str = "") -> str | None:
    """Why every recipient was refused: the first one's reason, and how many there were."""
    if not rejected:
        return f"no {words.phone} given"
    first = rejected[0]
    # an outcome with no recorded cause explains nothing: fall back to the recipient's own reason
    decided = decided_by(first.decided, first.phone) if first.decided is not None else None
    reason = decided or recipient(first.raw, first.err, account, words, rule)
    more = len(rejected) - 1
    return reason + (f" (and {more} more refused)" if more else "")


def recipient(raw: str, err: int, account: Account, words: Words, rule: str = "") -> str:
    if err == ERR_BAD_NUMBER:
        return f"{words.phone} {PHONE_FORMAT} (got '{raw}')"
    if err == ERR_NO_ROUTE:
        problem = parse(raw).problem
        if problem is PhoneProblem.NOT_MOBILE:
            return f"{words.phone} '{raw}' is a fixed line, which cannot take SMS"
        return f"no route to {words.phone} '{raw}': no country or operator known for it"
    if err == ERR_NUMBER_FORBIDDEN:
        phone = parse(raw)
        if phone.digits in account.stop_list:
            return f"{words.phone} '{raw}' is in the account's stop-list"
        closed = ", ".join(sorted(account.closed))
        return f"{words.phone} '{raw}' is in a direction closed for this account ({closed})"
    limit = f" ({rule})" if rule else ""
    return f"{words.phone} '{raw}' got too many messages in a short time{limit}"
