"""The goldens of fixtures/golden/ read as data: every entry with the document and the line
ranges it stands for, the answer templates of the documents compiled to patterns, and the scan
that finds every example-looking line of a document.

A golden file names its document once (`document = "..."`) and holds entries in `[[golden]]`
(or, in the two older files, `[[example]]`). An entry covers the document lines in `lines`
(`[first, last]`, or the older single `line`) and in `answer_lines` and `returns_lines` (lists
of ranges).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[2]
GOLDEN_DIR = ROOT / "fixtures" / "golden"
# The documents live beside the repository (/work/shared/specs); a checkout without them
# skips the checks that read them.
SPECS = ROOT.parent / "shared" / "specs"
INVENTORY = GOLDEN_DIR / "not_examples.toml"
# <provider>/recorded.toml: exchanges recorded from the real services (sms-mocks diff
# --save-golden), not a document's examples; tests/golden/test_recorded.py runs them.
RECORDED = "recorded.toml"

Range = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Entry:
    file: str  # relative to fixtures/golden
    document: str
    key: str
    ranges: tuple[Range, ...]
    data: Mapping[str, Any]


def golden_files() -> list[Path]:
    """The documents' goldens (the recorded ones stand for no document)."""
    return sorted(p for p in GOLDEN_DIR.rglob("*.toml") if p != INVENTORY and p.name != RECORDED)


def _ranges(item: Mapping[str, Any]) -> tuple[Range, ...]:
    found: list[Range] = []
    if "line" in item:
        found.append((int(item["line"]), int(item["line"])))
    if "lines" in item:
        first, last = item["lines"]
        found.append((int(first), int(last)))
    for key in ("answer_lines", "returns_lines"):
        for first, last in item.get(key, ()):
            found.append((int(first), int(last)))
    return tuple(found)


def entries(path: Path) -> list[Entry]:
    data = tomllib.loads(path.read_text("utf-8"))
    document = str(data["document"])
    items = data.get("golden", []) + data.get("example", [])
    name = str(path.relative_to(GOLDEN_DIR))
    return [Entry(name, document, str(item.get("key", f"line{item.get('line')}")),
                  _ranges(item), item) for item in items]


def all_entries() -> list[Entry]:
    return [e for path in golden_files() for e in entries(path)]


def not_examples() -> dict[str, list[dict[str, Any]]]:
    """Per document: line ranges that look like examples but are not, each with its reason."""
    data = tomllib.loads(INVENTORY.read_text("utf-8"))
    return {doc: list(items) for doc, items in data["document"].items()}


# --- what an example looks like -------------------------------------------------------------

# One pattern per kind of example the four documents print; a line matching any of them is an
# example (or part of one) until a golden or the not_examples list says what it is.
EXAMPLE_PATTERNS: dict[str, re.Pattern[str]] = {
    "url with a query": re.compile(r"https?://\S*\?|\.php\?|\b(?:login|user|psw|pwd)=\S"),
    # a declaration, an element with its content on one line, or a tag alone on its line
    "xml": re.compile(r"<\?xml|<soap|<(\w+)(?:\s[^<>]*)?>[^<]*</\s*\1\s*>"
                      r"|^\s*</?\w+(?:\s[^<>]*)?>\s*$"),
    "json": re.compile(r"^\s*[\[{]\s*$|^\s*\"\w+\"\s*:|^\s*\}?\s*,?\s*\.\.\.\s*[\]}]"),
    "serialized php": re.compile(r"\ba:\d+:\{|\bs:\d+:\""),
    "php code": re.compile(r"<\?php|\$\w+\s*=|->\w+\s*\(|\bsend_sms\s*\("),
    "print_r": re.compile(r"^\s*Array\s*\(|^\s*\[\w+\]\s*=>"),
    "smsc answer": re.compile(r"\bOK - |\bERROR = |\bID - |^\s*(?:•.*:\s*)?OK\s*$"
                              r"|^\s*[-\w<>]+(?:,[-\w<>]+)+\s*$|^\s*\w+ = <\w+>"),
    "plain answer": re.compile(r"^\s*\d{6,}(?:,\d{6,})*\s*$|^\s*-?\s*error:|\d RUR\s*$"
                               r"|^\s*(?:send|deliver|not_deliver|expired|partly_deliver)\s*$"),
    # one of a list of plain-text answers ("- Нет отправителя."): a bullet that is a sentence,
    # not a "name – meaning" or "name - meaning" definition
    "listed answer": re.compile(r"^-\s+(?!.*\s[-–]\s)[^–]+\.\s*$"),
}


def example_lines(text: str) -> dict[int, str]:
    """Line number → the kind of example it looks like, for every example-looking line."""
    found: dict[int, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        for kind, pattern in EXAMPLE_PATTERNS.items():
            if pattern.search(line):
                found[number] = kind
                break
    return found


def uncovered(text: str, covered: Iterable[Range]) -> dict[int, str]:
    """The example-looking lines of `text` that no range covers."""
    ranges = list(covered)
    return {n: kind for n, kind in example_lines(text).items()
            if not any(first <= n <= last for first, last in ranges)}


# --- answer templates -----------------------------------------------------------------------

MARKER = "..."


def _token_pattern(values: Mapping[str, str]) -> re.Pattern[str] | None:
    if not values:
        return None
    alternatives = []
    for token in sorted(values, key=len, reverse=True):
        escaped = re.escape(token)
        # A word-like token stands alone: "N" is a placeholder, the N of "BALANCE" is not.
        if re.fullmatch(r"\w+", token):
            escaped = rf"(?<!\w){escaped}(?!\w)"
        alternatives.append(escaped)
    return re.compile("|".join(alternatives))


def _compile_plain(text: str, values: Mapping[str, str]) -> str:
    pattern = _token_pattern(values)
    if pattern is None:
        return re.escape(text)
    out, position = [], 0
    for match in pattern.finditer(text):
        out.append(re.escape(text[position:match.start()]))
        out.append(f"(?:{values[match.group()]})")
        position = match.end()
    out.append(re.escape(text[position:]))
    return "".join(out)


def _compile_xml(text: str, values: Mapping[str, str]) -> str:
    # Only whole text nodes and attribute values are placeholders, never tag names.
    out, position = [], 0
    for match in re.finditer(r'(?<=>)([^<>\n]+)(?=<)|(?<==")([^"]*)(?=")', text):
        out.append(re.escape(text[position:match.start()]))
        word = match.group()
        # The document pads some placeholders (<x> COL </x>); the value stands for the node.
        key = word.strip()
        out.append(f"(?:{values[key]})" if key in values else re.escape(word))
        position = match.end()
    out.append(re.escape(text[position:]))
    return "".join(out)


def compact_json(text: str) -> str:
    """The document's JSON without the layout whitespace it is printed with (strings and
    <placeholders> kept)."""
    parts = re.split(r'("(?:[^"\\]|\\.)*"|<[^<>"]*>)', text)
    for i in range(0, len(parts), 2):
        parts[i] = re.sub(r"\s+", "", parts[i])
    return "".join(parts)


def _split_repeat(text: str, form: str) -> tuple[str, str, str] | None:
    """(before, unit, after) around the `...` that repeats a unit, or None without one."""
    if form == "json":
        at = text.find("," + MARKER)
        if at < 0:
            return None
        end, depth = at, 0
        for start in range(at - 1, -1, -1):
            depth += {"}": 1, "{": -1}.get(text[start], 0)
            if depth == 0:
                return text[:start], text[start:end], text[at + 1 + len(MARKER):]
        raise ValueError(f"no object before ...: {text!r}")
    lines = text.split("\n")
    if MARKER not in lines:
        return None
    at = lines.index(MARKER)
    if form == "text":
        first = at - 1  # a line of a listing
    else:  # xml: the element that closes on the line before the marker
        closing = re.fullmatch(r"(?:<(\w+)[^>]*>.*)?</(\w+)>", lines[at - 1])
        if closing is None:
            raise ValueError(f"no element before ...: {lines[at - 1]!r}")
        tag = closing.group(2)
        first = max(i for i in range(at) if re.match(rf"<{tag}\b", lines[i]))
    before = "\n".join(lines[:first])
    unit = "\n".join(lines[first:at])
    after = "\n".join(lines[at + 1:])
    return before, unit, after


def template_pattern(answer: str, form: str, values: Mapping[str, str],
                     typos: Mapping[str, str] | None = None) -> re.Pattern[str]:
    """The bytes an answer may have, from the document's template of it.

    Declared normalizations: each line's indentation and the blank lines between them (the
    documents' page layout) are dropped, and so is the layout whitespace of JSON; a `...` line
    (`, ...` in JSON) repeats the unit before it once or more; `values` turns placeholders into
    patterns; `typos` corrects what a golden names as a misprint of the document.
    """
    for typo, meant in (typos or {}).items():
        answer = answer.replace(typo, meant)
    text = "\n".join(line.strip() for line in answer.strip("\n").split("\n") if line.strip())
    if form == "json":
        text = compact_json(text)
    compile_part = _compile_xml if form == "xml" else _compile_plain
    separator = "," if form == "json" else "\n"
    split = _split_repeat(text, form)
    if split is None:
        return re.compile(compile_part(text, values))
    before, unit, after = split
    unit_re = compile_part(unit, values)
    join = "" if form == "json" else "\n"
    head = compile_part(before, values) + (re.escape(join) if before else "")
    tail = (re.escape(join) if after else "") + compile_part(after, values)
    return re.compile(f"{head}{unit_re}(?:{re.escape(separator)}{unit_re})*{tail}")


def document_lines(document: str) -> list[str]:
    return (SPECS / document).read_text("utf-8").splitlines()


def in_document(snippet: str, document: str, ranges: Iterable[Range]) -> bool:
    """Whether every line of `snippet` (stripped; `...` aside) is in the ranges, in order. A
    trailing comma is not compared: an answer the document prints in two fragments (op=1's
    phones after the usual keys) needs one where they join."""
    lines = document_lines(document)
    text = "\n".join("\n".join(lines[first - 1:last]) for first, last in ranges)
    wanted = [line.strip().rstrip(",") for line in snippet.strip("\n").split("\n")
              if line.strip() and line.strip() != MARKER]
    position = 0
    for line in wanted:
        found = text.find(line, position)
        if found < 0:
            return False
        position = found + len(line)
    return True
