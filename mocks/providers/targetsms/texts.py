"""TargetSMS's vocabulary: the document's error texts, verbatim (001, 2.3), and its statuses.

Clients match these strings exactly (FACTS C.2), so they are kept byte for byte, including the
document's "Такого отправителя Нет." with its capital Н.
"""

from __future__ import annotations

from sms_mocks.core.messages import Message, State

PLATFORM_OUT = "У нас закончились SMS. Для разрешения проблемы свяжитесь с менеджером."
PACKAGE_OUT = "Закончились SMS."
BLOCKED = "Аккаунт заблокирован."
NO_NUMBER = "Укажите номер телефона."
STOP_LIST = "Номер телефона присутствует в стоп-листе."
CLOSED_FOR_YOU = "Данное направление закрыто для вас."
CLOSED = "Данное направление закрыто."
NO_FUNDS = ("Недостаточно средств для отправки SMS. SMS будет отправлена как только вы "
            "пополните счет по данному направлению.")
TEXT_REJECTED = "Текст SMS отклонен модератором."
NO_SENDER = "Нет отправителя."
SENDER_TOO_LONG = ("Отправитель не должен превышать 15 символов для цифровых номеров и 11 "
                   "символов для буквенно-числовых.")
NUMBER_TOO_LONG = "Номер телефона должен быть меньше 15 символов."
NO_TEXT = "Нет текста сообщения."
NO_LINK = "Нет ссылки."
UNKNOWN_SENDER = "Такого отправителя Нет."
SENDER_NOT_MODERATED = "Отправитель не прошел модерацию."
DUPLICATE = "error: Попытка отправки более одного одинакового запроса в течение минуты"

ALL = (PLATFORM_OUT, PACKAGE_OUT, BLOCKED, NO_NUMBER, STOP_LIST, CLOSED_FOR_YOU, CLOSED, NO_FUNDS,
       TEXT_REJECTED, NO_SENDER, SENDER_TOO_LONG, NUMBER_TOO_LONG, NO_TEXT, NO_LINK,
       UNKNOWN_SENDER, SENDER_NOT_MODERATED, DUPLICATE)

# Each documented text by a short name: what a fault rule's `error` code is for this dialect.
CODES = {"platform_out": PLATFORM_OUT, "package_out": PACKAGE_OUT, "blocked": BLOCKED,
         "no_number": NO_NUMBER, "stop_list": STOP_LIST, "closed_for_you": CLOSED_FOR_YOU,
         "closed": CLOSED, "no_funds": NO_FUNDS, "text_rejected": TEXT_REJECTED,
         "no_sender": NO_SENDER, "sender_too_long": SENDER_TOO_LONG,
         "number_too_long": NUMBER_TOO_LONG, "no_text": NO_TEXT, "no_link": NO_LINK,
         "unknown_sender": UNKNOWN_SENDER, "sender_not_moderated": SENDER_NOT_MODERATED,
         "duplicate": DUPLICATE}

# 001 lists no answer for these two; the words are the platform's own (targetsms-json-xml.md).
# A wrong login fails the whole request, as a duplicate does: the JSON and XML APIs answer it
# as their request error {"error": "Неправильный логин или пароль"} / <error>…</error>, and
# sendsms.php prints its one request error as "error: " and the text, so this one too. An
# unknown id is not an error there: XML state.php gives the sentence in place of the status
# word, as sendsms.php gives the status word here, bare.
WRONG_LOGIN = "Неправильный логин или пароль"
AUTH = "error: " + WRONG_LOGIN
NOT_FOUND = "Сообщение с таким ID не принималось"
# Not in any source: the emulator's own failure; "error: ...", as the request error above.
FAILURE = "error: temporary failure"
# A body over the limit never reaches PHP: nginx in front of it refuses the request itself, with
# HTTP 413 and its own page (endpoint.TOO_LARGE), no TargetSMS words at all.
TOO_LARGE_STATUS = 413

# The JSON (sendsmsjson.php) and XML (/xml/) APIs of the same platform (targetsms-json-xml.md).
# Their whole-request errors are the XML gate document's four texts, verbatim, no final period;
# the JSON API words them the same (its only recorded one is WRONG_LOGIN, above), as
# {"error": TEXT}, the XML one as <response><error>TEXT</error></response>.
BAD_DOCUMENT = "Неправильный формат XML документа"
ACCOUNT_BLOCKED = "Ваш аккаунт заблокирован"
NO_POST = "POST данные отсутствуют"
# The one per-message sentence of the XML document that 001 does not list: a vCard message
# without its contact's name or any other field of the card.
NO_VCARD = "Укажите название контакта и, хотя бы один параметр для визитной карточки."
# The emulator's own failure in those APIs (no source words one).
DOCUMENT_FAILURE = "temporary failure"

SEND, DELIVER, NOT_DELIVER, EXPIRED, PARTLY = (
    "send", "deliver", "not_deliver", "expired", "partly_deliver")

# Delivery errors that mean the subscriber was out of reach: TargetSMS calls those "expired".
_ABSENT = frozenset({6})


def status(message: Message) -> str:
    state = message.state
    if state is State.QUEUED or state is State.SENT:
        return SEND
    if state is State.DELIVERED or state is State.READ:  # no read receipts in 001
        return DELIVER
    if state is State.EXPIRED:
        return PARTLY  # validity ran out with no report at all
    if state is State.UNDELIVERED and message.err in _ABSENT:
        return EXPIRED
    return NOT_DELIVER
