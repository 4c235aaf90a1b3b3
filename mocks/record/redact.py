"""Secrets out of an exchange before anything is written: the password and key parameters
(psw, password, pwd, apikey) wherever a dialect sends them (a query, a form, multipart, JSON,
SOAP's <psw>, SMS-Pager's <password>, TargetSMS's <password value="..."/>), credential
headers, the phone numbers the user lists, and then every literal occurrence of a secret
already seen, in any of its encodings.

A secret becomes a marker, REDACTED-1, REDACTED-2, ...: one per distinct value, so a replay
can still tell the right password from a wrong one (diff gives the replay account the marker
that logged in as its password). A listed number becomes 7999000000N, a mobile number the
emulator routes, the same one wherever it appeared.
"""

from __future__ import annotations

import html
import json
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from urllib.parse import quote, quote_plus, unquote_plus

from sms_mocks.record.cassette import Exchange, Headers

SECRET_FIELDS = ("psw", "password", "pwd", "apikey")
MARKER = "REDACTED-"
SECRET_HEADERS = ("authorization", "proxy-authorization", "cookie", "set-cookie")
# Shorter secrets are redacted where they are sent, but not hunted for everywhere else: "123"
# would take every 123 out of every answer.
MIN_LITERAL = 4
FAKE_PHONE = "7999000{:04d}"

_NAMES = "|".join(SECRET_FIELDS)
# name=value in a query or a form (the name as sent: SMSC reads them case-sensitively)
_PAIR = re.compile(rf"(?:^|(?<=[?&;]))({_NAMES})=([^&;#]*)", re.I)
_JSON = re.compile(rf'("(?:{_NAMES})"\s*:\s*)("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?)', re.I)
_XML = re.compile(rf"(<(?:[\w.-]+:)?({_NAMES})(?:\s[^<>]*)?>)(.*?)(</(?:[\w.-]+:)?\2\s*>)",
                  re.I | re.S)
# TargetSMS's XML gate: <password value="..."/>
_XML_VALUE = re.compile(rf"(<(?:[\w.-]+:)?({_NAMES})\b[^<>]*?\bvalue\s*=\s*)([\"'])(.*?)\3",
                        re.I | re.S)
_MULTIPART = re.compile(
    rf'(name="(?:{_NAMES})"[^\r\n]*\r?\n(?:[^\r\n]+\r?\n)*\r?\n)(.*?)(?=\r?\n--)',
    re.I | re.S)
_SCHEME = re.compile(r"([A-Za-z][\w-]*) +(\S.*)")
_KEEP = re.compile(rf"{MARKER}\d+")
# what may stand between a number's digits as people and forms write it: spaces, brackets,
# dashes, dots, and their URL encodings (+ is a space in a query)
_GAP = r"(?:[\s().\-+]|%20|%28|%29|%2[dD])*"


def digits_of(phone: str) -> str:
    """International digits of a listed number: 8XXXXXXXXXX (Russia's trunk prefix) → 7..."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) == 11 and digits.startswith("8"):
        digits = "7" + digits[1:]
    return digits


def phone_pattern(digits: str) -> re.Pattern[str]:
    """The number however a request or answer writes it: +7 (916) 555-12-34, 89165551234,
    %2B79165551234, 9165551234, ..."""
    if len(digits) == 11 and digits[0] == "7":
        head = rf"(?:(?:\+|%2[bB])?7|8)?{_GAP}"
        digits = digits[1:]
    else:
        head = r"(?:\+|%2[bB])?"
    body = _GAP.join(digits)
    return re.compile(rf"(?<![\d]){head}{body}(?![\d])")


class Redactor:
    """One recording session's redaction: the same secret gets the same marker throughout."""

    def __init__(self, phones: Iterable[str] = (), secrets: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self._markers: dict[str, str] = {}  # a secret (and its encoded forms) → its marker
        self._count = 0
        self._phones: list[tuple[re.Pattern[str], str]] = []
        for number, phone in enumerate(dict.fromkeys(digits_of(p) for p in phones), 1):
            if len(phone) < 5:
                raise ValueError(f"not a phone number: {phone!r}")
            self._phones.append((phone_pattern(phone), FAKE_PHONE.format(number)))
        for secret in secrets:
            if secret:
                self.marker(secret)

    @property
    def phone_count(self) -> int:
        return len(self._phones)

    def marker(self, secret: str) -> str:
        with self._lock:
            found = self._markers.get(secret)
            if found is None:
                self._count += 1
                found = self._markers[secret] = f"{MARKER}{self._count}"
            return found

    # --- one exchange ---------------------------------------------------------------------
    def exchange(self, exchange: Exchange) -> Exchange:
        """A copy with every secret and listed number replaced; `redacted` says what went."""
        notes: list[str] = []
        req = exchange.request
        path, mark, query = req.path.partition("?")
        request = replace(req, path=path + mark + self._pairs(query, "query", notes),
                          headers=self._headers(req.headers, "request", notes),
                          body=req.body.with_text(self._body(req.body.text, "request body",
                                                             notes)))
        response = exchange.response
        if response is not None:  # an answer that echoed a secret field loses it too
            response = replace(response,
                               headers=self._headers(response.headers, "answer", notes),
                               body=response.body.with_text(self._body(response.body.text,
                                                                       "answer", notes)))
        # the listed numbers, and what is known to be secret, wherever else they are
        request = replace(request, path=self._scrub(request.path, "path", notes),
                          headers=self._scrub_headers(request.headers, notes),
                          body=request.body.with_text(self._scrub(request.body.text,
                                                                  "request body", notes)))
        if response is not None:
            response = replace(response, headers=self._scrub_headers(response.headers, notes),
                               body=response.body.with_text(
                                   self._scrub(response.body.text, "answer", notes)))
        error = self._scrub(exchange.error, "error", notes)
        return replace(exchange, request=request, response=response, error=error,
                       redacted=list(dict.fromkeys([*exchange.redacted, *notes])))

    def text(self, text: str) -> str:
        """A free text (a log line, an error) with the known secrets and numbers taken out."""
        return self._scrub(self._pairs(text, "", []), "", [])

    # --- where the secrets are sent -------------------------------------------------------
    def _pairs(self, text: str, where: str, notes: list[str]) -> str:
        def one(match: re.Match[str]) -> str:
            name, raw = match.group(1), match.group(2)
            if not raw:
                return match.group(0)
            notes.append(f"{name} in the {where}")
            value = unquote_plus(raw, encoding="latin-1")
            self._learn(raw, value)
            return f"{name}={self.marker(_utf8(value))}"
        return _PAIR.sub(one, text)

    def _body(self, text: str, where: str, notes: list[str]) -> str:
        if not text:
            return text
        text = self._pairs(text, where, notes)

        def json_one(match: re.Match[str]) -> str:
            raw = match.group(2)
            value = json.loads(raw) if raw.startswith('"') else raw
            self._learn(raw.strip('"'), str(value))
            notes.append(f"{match.group(1).split(':')[0].strip()} in the {where}")
            return f'{match.group(1)}"{self.marker(str(value))}"'

        def xml_one(match: re.Match[str]) -> str:
            raw = match.group(3)
            value = html.unescape(raw).strip()
            if not value:
                return match.group(0)
            self._learn(raw, value)
            notes.append(f"<{match.group(2)}> in the {where}")
            return f"{match.group(1)}{self.marker(value)}{match.group(4)}"

        def attribute_one(match: re.Match[str]) -> str:
            raw = match.group(4)
            value = html.unescape(raw)
            if not value:
                return match.group(0)
            self._learn(raw, value)
            notes.append(f"<{match.group(2)} value> in the {where}")
            quote_mark = match.group(3)
            return f"{match.group(1)}{quote_mark}{self.marker(value)}{quote_mark}"

        def part_one(match: re.Match[str]) -> str:
            value = match.group(2)
            if not value:
                return match.group(0)
            self._learn(value, value)
            notes.append(f"a secret form-data part in the {where}")
            return f"{match.group(1)}{self.marker(value)}"

        text = _JSON.sub(json_one, text)
        text = _XML.sub(xml_one, text)
        text = _XML_VALUE.sub(attribute_one, text)
        return _MULTIPART.sub(part_one, text)

    def _headers(self, headers: Headers, where: str, notes: list[str]) -> Headers:
        out = []
        for name, value in headers:
            if name.lower() in SECRET_HEADERS and value:
                notes.append(f"the {name} header of the {where}")
                scheme = _SCHEME.match(value) if "authorization" in name.lower() else None
                if scheme:  # "Bearer <token>": the scheme says how to replay it
                    self._learn(value, scheme.group(2))
                    value = f"{scheme.group(1)} {self.marker(scheme.group(2))}"
                else:
                    value = self.marker(value)
            out.append((name, value))
        return out

    def _learn(self, raw: str, value: str) -> None:
        """Both the encoded and the decoded form are secret from now on."""
        marker = self.marker(_utf8(value))
        with self._lock:
            if raw and raw != value:
                self._markers.setdefault(raw, marker)

    # --- anywhere else --------------------------------------------------------------------
    def _scrub(self, text: str, where: str, notes: list[str]) -> str:
        if not text:
            return text
        for pattern, fake in self._phones:
            text, count = pattern.subn(fake, text)
            if count:
                notes.append(f"a listed phone number in the {where}")
        forms = self._literal_forms()
        if not forms:
            return text
        # one pass, markers already in the text left alone (a short secret may be inside one)
        pattern = re.compile(f"({_KEEP.pattern})|" + "|".join(re.escape(f) for f in forms))
        found = False

        def one(match: re.Match[str]) -> str:
            nonlocal found
            if match.group(1):
                return match.group(0)
            found = True
            return forms[match.group(0)]
        text = pattern.sub(one, text)
        if found:
            notes.append(f"a secret's literal text in the {where}")
        return text

    def _scrub_headers(self, headers: Headers, notes: list[str]) -> Headers:
        return [(name, self._scrub(value, f"{name} header", notes)) for name, value in headers]

    def _literal_forms(self) -> dict[str, str]:
        with self._lock:
            known = [(s, m) for s, m in self._markers.items() if len(s) >= MIN_LITERAL]
        forms: dict[str, str] = {}
        encoders: tuple[Callable[[str], str], ...] = (
            lambda s: s, lambda s: quote(s, safe=""), quote_plus,
            lambda s: quote(s, safe="").lower(), lambda s: html.escape(s, quote=False),
            html.escape, lambda s: json.dumps(s)[1:-1])
        for secret, marker in known:
            for encode in encoders:
                form = encode(secret)
                if len(form) >= MIN_LITERAL and form not in forms:
                    forms[form] = marker
        # longest first, so the alternation prefers an encoded form to the plain one in it
        return dict(sorted(forms.items(), key=lambda item: -len(item[0])))


def _utf8(value: str) -> str:
    """A percent-decoded value read as latin-1, as the UTF-8 text it most likely was."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def markers_in(text: str) -> list[str]:
    return re.findall(rf"{MARKER}\d+", text)


def secret_forms(secret: str) -> list[str]:
    """What a grep for a leaked secret should look for (the tests' check)."""
    return list(dict.fromkeys([secret, quote(secret, safe=""), quote_plus(secret),
                               html.escape(secret, quote=False), html.escape(secret)]))

