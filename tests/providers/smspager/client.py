"""A thin SMS-Pager client for the tests: raw XML POSTed over real HTTP, answers read back as
an ordered list of (path, text) pairs so a test can compare a whole answer at once."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
from lxml import etree

from sms_mocks.testing.sandbox import MockAccount

Answer = list[tuple[str, str]]
Recipient = str | tuple[str, str]  # a number, or (number, alternative text)

COMMANDS = ("send", "report", "balance", "cancel")
CONTENT_TYPE = "text/xml; charset=UTF-8"

# The document's own descriptions ("РЕЗУЛЬТАТ ОБРАБОТКИ").
DESCRIPTIONS = {
    1: "Успешно завершенная операция",
    500: "Недостаточно переданных параметров",
    501: "Неверная пара логин/пароль",
    502: "Превышен размер smsid. Максимальный размер 21 символ",
    503: "Неверный формат datetime. Верный: yyyy-mm-dd HH:MM:SS",
    504: "Недопустимое значение Адреса отправителя",
}
PARSER_ERROR = "Ошибка парсера XML документа"
CODES = frozenset({*DESCRIPTIONS, 700, 701, 702, 703, 704})

MSK = timezone(timedelta(hours=3))
# the document's examples are dated 2010: an emulator whose clock starts here has them ahead
START_2010 = datetime(2010, 1, 15, 10, 0, tzinfo=MSK).timestamp()
GOLDEN = Path(__file__).parents[3] / "fixtures" / "golden" / "smspager" / "examples.toml"
DATETIME = "%Y-%m-%d %H:%M:%S"


def golden_examples() -> list[dict[str, Any]]:
    """The document's XML examples (fixtures/golden/smspager/examples.toml)."""
    return tomllib.loads(GOLDEN.read_text("utf-8"))["example"]  # type: ignore[no-any-return]


def golden_xml(key: str) -> bytes:
    [example] = [e for e in golden_examples() if e["key"] == key]
    return example["xml"].encode("utf-8")  # type: ignore[no-any-return]


def parse_answer(body: bytes) -> Answer:
    """Every element below <data>, in document order: (path below <data>, stripped text)."""
    root = etree.fromstring(body)
    assert root.tag == "data", body
    pairs: Answer = []

    def walk(element: etree._Element, prefix: str) -> None:
        for child in element:
            assert isinstance(child.tag, str), body  # no comments or PIs in an answer
            path = prefix + child.tag
            pairs.append((path, (child.text or "").strip()))
            walk(child, path + "/")

    walk(root, "")
    return pairs


def ok(*fields: tuple[str, str]) -> Answer:
    return [("code", "1"), ("descr", DESCRIPTIONS[1]), *fields]


def error(code: int) -> Answer:
    """A 5xx answer: code and the document's description, nothing else."""
    return [("code", str(code)), ("descr", DESCRIPTIONS[code])]


def send_answer(smsid: str, when: str, action: str, receivers: int, sent: int, not_sent: int,
                cost: str, parts: int, price: str) -> Answer:
    return ok(("smsid", smsid), ("datetime", when), ("action", action),
              ("allRecivers", str(receivers)), ("colSendAbonent", str(sent)),
              ("colNonSendAbonent", str(not_sent)), ("priceOfSending", cost),
              ("colsmsOfSending", str(parts)), ("price", price))


def detail(**groups: list[str]) -> Answer:
    """The <detail> block: the four groups always shown, cancel/onModer only when not empty."""
    pairs: Answer = [("detail", "")]
    for name in ("delivered", "notDelivered", "waiting", "enqueued", "cancel", "onModer"):
        numbers = groups.get(name, [])
        if numbers or name in ("delivered", "notDelivered", "waiting", "enqueued"):
            pairs.append((f"detail/{name}", ""))
            pairs += [(f"detail/{name}/number", n) for n in numbers]
    return pairs


def sms_block(smsid: str, when: str, text: str, source: str, *, all_col: int,
              delivered: int = 0, not_delivered: int = 0, waiting: int = 0, enqueued: int = 0,
              payment: str) -> Answer:
    values = [("smsid", smsid), ("datetime", when), ("text", text), ("source", source),
              ("allCol", str(all_col)), ("deliveredCol", str(delivered)),
              ("notDeliveredCol", str(not_delivered)), ("waitingCol", str(waiting)),
              ("enqueuedCol", str(enqueued)), ("payment", payment)]
    return [("sms", ""), *((f"sms/{k}", v) for k, v in values)]


def request_xml(login: str, password: str, fields: Iterable[tuple[str, str]] = (),
                to: Iterable[Recipient] = ()) -> bytes:
    """A request as the PHP client builds it: login, password, the fields, then <to>s."""
    root = etree.Element("data")
    for name, value in [("login", login), ("password", password), *fields]:
        etree.SubElement(root, name).text = value
    for recipient in to:
        number, text = (recipient, "") if isinstance(recipient, str) else recipient
        element = etree.SubElement(root, "to", number=number)
        element.text = text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def local(ts: float, tz: int = 0) -> str:
    """A timestamp as SMS-Pager writes it for an account `tz` hours from Moscow."""
    return datetime.fromtimestamp(ts, UTC).astimezone(timezone(timedelta(hours=3 + tz))) \
        .strftime(DATETIME)


class Pager:
    """Posts SMS-Pager documents as one account."""

    def __init__(self, http: httpx.Client, account: MockAccount) -> None:
        self.http = http
        self.account = account

    def post(self, path: str, body: bytes, **kwargs: object) -> httpx.Response:
        return self.http.post(path, content=body, **kwargs)  # type: ignore[arg-type]

    def raw(self, command: str, body: bytes) -> Answer:
        """Post a document as it is; the answer must be a 200 in text/xml."""
        response = self.post(f"/{command}.xml", body)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == CONTENT_TYPE
        return parse_answer(response.content)

    def call(self, command: str, to: Iterable[Recipient] = (), **fields: str) -> Answer:
        body = request_xml(self.account.login, self.account.password, fields.items(), to)
        return self.raw(command, body)

    def send(self, text: str | None, *to: Recipient, **fields: str) -> Answer:
        if text is not None:
            fields = {"text": text, **fields}
        return self.call("send", to, **fields)

    def report(self, **fields: str) -> Answer:
        return self.call("report", **fields)

    def cancel(self, smsid: str, action: str | None = None) -> Answer:
        fields = {"action": action} if action is not None else {}
        return self.call("cancel", **fields, smsid=smsid)

    def balance(self) -> str:
        answer = self.call("balance")
        assert answer[:2] == ok(), answer
        [(name, value)] = answer[2:]
        assert name == "account"
        return value


def field(answer: Answer, name: str) -> str:
    return dict(answer)[name]
