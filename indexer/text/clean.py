"""Cleaning article text: HTML to text, control characters, whitespace, repeated paragraphs."""

from __future__ import annotations

import re
import unicodedata

from bs4 import BeautifulSoup

from indexer.text.normalize import normalize

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_INLINE_SPACE = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_BLOCK_TAGS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section", "article"}
# Boilerplate lines newsrooms append: share buttons, "read also", copyright lines.
_BOILERPLATE = re.compile(
    r"^(?:اقرأ\s+(?:أيضا|أيضاً|ايضا|المزيد)|شارك(?:\s+المقال)?|تابعونا|جميع\s+الحقوق\s+محفوظة|"
    r"حقوق\s+النشر|للمزيد\s+من\s+الأخبار|Share|Read more|All rights reserved)\b.{0,80}$",
    re.IGNORECASE,
)


def html_to_text(html: str) -> str:
    """Visible text of an HTML fragment, one paragraph per block element; scripts dropped."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "iframe", "template", "svg", "figure"]):
        tag.decompose()
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    return clean_text(soup.get_text())


def looks_like_html(text: str) -> bool:
    return bool(re.search(r"<(p|div|br|span|a|strong|em|h[1-6]|ul|li|script)\b[^>]*>", text, re.I))


def clean_text(text: str) -> str:
    """Normalize line breaks and spaces, drop control characters and boilerplate lines."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    lines = []
    for raw in text.split("\n"):
        line = _INLINE_SPACE.sub(" ", raw).strip()
        if line and not _BOILERPLATE.match(line):
            lines.append(line)
    return "\n".join(lines)


def dedupe_paragraphs(text: str) -> str:
    """Drop exact repeated paragraphs (compared after normalization), keeping the first."""
    seen: set[str] = set()
    kept = []
    for para in text.split("\n"):
        key = normalize(para)
        if key in seen:
            continue
        seen.add(key)
        kept.append(para)
    return "\n".join(kept)


def clean_body(text: str) -> str:
    if looks_like_html(text):
        text = html_to_text(text)
    return dedupe_paragraphs(clean_text(text))
