"""The documentation's files, read once: the README, the site's pages and the two top-level
files the site includes."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
README = ROOT / "README.md"
# ARCHITECTURE.md and CHANGELOG.md are pages of the site too (included by docs/*.md)
INCLUDED = (ROOT / "ARCHITECTURE.md", ROOT / "CHANGELOG.md")


def site_pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def every_text() -> list[Path]:
    """Everything a reader of the repository or the site reads as documentation."""
    return [README, *INCLUDED, *site_pages()]


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def outside_code(text: str) -> str:
    """The text without fenced code blocks and inline code, where links are written."""
    text = re.sub(r"^(```|~~~).*?^\1", "", text, flags=re.S | re.M)
    return re.sub(r"`[^`\n]*`", "", text)


def code_blocks(text: str, language: str = "") -> list[str]:
    """The fenced blocks of one language ("" for none), each pairing its own fences."""
    return [body for lang, body in re.findall(r"^```(\w*)\n(.*?)^```$", text, re.S | re.M)
            if lang == language]


LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def relative_links(text: str) -> list[str]:
    """The targets of Markdown links and images that point into the repository."""
    return [t for t in LINK.findall(outside_code(text))
            if not re.match(r"[a-z][a-z0-9+.-]*:", t) and not t.startswith("#")]
