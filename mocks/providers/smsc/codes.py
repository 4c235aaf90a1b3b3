"""SMSC's vocabulary: error codes and their descriptions, status codes and names.

The live server describes errors with short English phrases, not with the Russian texts of the
document's table: `ERROR = 2 (authorise error)`, `{"error": "invalid number", ...}`. Clients
compare against these exact strings (docs/research-smsc-http.md §3), so they are kept byte for
byte, spelling included ("can't to deliver"). No source shows the live phrase for send error 5,
so it reads as the document's table words it (002, send.php error codes).
"""

from __future__ import annotations

from sms_mocks.core.messages import (
    ERR_BAD_NUMBER,
    ERR_NO_ROUTE,
    ERR_NUMBER_FORBIDDEN,
    ERR_NUMBER_LIMIT,
    Message,
    State,
)

PARAMS = 1
AUTH = 2
NO_MONEY = 3
IP_BLOCKED = 4
DATE_FORMAT = 5  # send.php; status.php uses 5 for "could not delete"
DENIED = 6
BAD_NUMBER = 7
CANNOT_DELIVER = 8
TOO_MANY = 9

DESCRIPTIONS = {
    PARAMS: "parameters error",
    AUTH: "authorise error",
    NO_MONEY: "no money",
    IP_BLOCKED: "ip is blocked",
    DATE_FORMAT: "Неверный формат даты.",  # 002's table, verbatim: no live text is known
    DENIED: "message is denied",
    BAD_NUMBER: "invalid number",
    CANNOT_DELIVER: "can't to deliver",
    TOO_MANY: "duplicate request, wait a minute",
}
DELETE_FAILED = "Error deleting a message"  # the status page's table (research §1.1b)
# Error 9 when a login has too many requests in flight: 002 names it in its own words at every
# error table ("... под одним логином (too many concurrent requests)").
CONCURRENT = "too many concurrent requests"

# Errors of send.php that echo the message id (002: "для ошибок 3,6,7,8").
ECHO_ID = frozenset({NO_MONEY, DENIED, BAD_NUMBER, CANNOT_DELIVER})

# Errors that count as "erroneous requests" towards the IP block (error 4).
COUNTS_TOWARDS_BLOCK = frozenset({PARAMS, AUTH, DATE_FORMAT, BAD_NUMBER})

NOT_FOUND = -3

STATUS_NAMES = {
    -3: "Сообщение не найдено",
    -2: "Остановлено",
    -1: "Ожидает отправки",
    0: "Передано оператору",
    1: "Доставлено",
    2: "Прочитано",
    3: "Просрочено",
    4: "Нажата ссылка",
    20: "Невозможно доставить",
    22: "Неверный номер",
    23: "Запрещено",
    24: "Недостаточно средств",
    25: "Недоступный номер",
}

_BY_STATE = {
    State.QUEUED: -1,
    State.SENT: 0,
    State.DELIVERED: 1,
    State.READ: 2,
    State.EXPIRED: 3,
    State.CANCELLED: -2,
    State.UNDELIVERED: 20,
}

# Refusals on acceptance, by the core's err code.
_REJECTED = {
    ERR_BAD_NUMBER: 22,
    ERR_NO_ROUTE: 20,
    ERR_NUMBER_FORBIDDEN: 23,
    ERR_NUMBER_LIMIT: 23,
}

# Message types of `type` in status answers and callbacks (FACTS B.5).
TYPES = {"sms": 0, "flash": 1, "bin": 2, "push": 3, "hlr": 4, "ping": 5, "mms": 6, "call": 7,
         "mail": 8, "viber": 10, "soc": 12}


def rejected_status(err: int) -> int:
    return _REJECTED.get(err, 23)


def status_of(state: State) -> int:
    """The status code of a state other than REJECTED (whose code depends on its err)."""
    return _BY_STATE[state]


def status_code(message: Message) -> int:
    if message.state is State.REJECTED:
        return rejected_status(message.err)
    return _BY_STATE[message.state]
