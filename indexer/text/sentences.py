"""Arabic sentence splitting that keeps numbers, abbreviations and quoted speech whole.

Rules, in order:
- paragraphs (line breaks) always split;
- a sentence ends at ``. ! ? ؟ … ۔`` (optionally followed by a closing quote) when a space, a comma
  join (the ``".,"`` of some CMS exports), the end of the paragraph or an Arabic letter follows
  (``قتيلا.وقال`` glued by a lost space);
- dots between digits (``2.5``, ``375.526.840``) never split, nor dots in URLs or e-mail addresses;
- a dot after a single letter is an abbreviation (``د.``, ``أ.د.``, ``U.S.``), except after a number
  (``عام 1997 م.``), nor do known abbreviations (``Dr.``, ``ص.ب.``) split;
- inside a quotation that closes within the paragraph (``«...»``, ``"..."``, ``“...”``) nothing
  splits, so multi-sentence quoted speech stays one statement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ARABIC_LETTER = "\u0621-\u064a\u0671-\u06d3"
# a terminator run, then an optional closing quote/bracket, then an optional comma join
_END = re.compile(r"""([.!?؟…۔]+)(["»”'’)]*)(\s*[,،](?=\s|$))?""")
_MAX_QUOTED = 900  # an unbalanced or very long quote must not glue a whole paragraph
_QUOTE = re.compile(
    f'«[^«»]{{0,{_MAX_QUOTED}}}»|“[^“”]{{0,{_MAX_QUOTED}}}”|"[^"]{{0,{_MAX_QUOTED}}}"'
)
_LATIN_ABBREV = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "st",
    "no",
    "inc",
    "ltd",
    "co",
    "jr",
    "sr",
    "vs",
    "etc",
    "e.g",
    "i.e",
}
_ARABIC_ABBREV = {"ص.ب", "ق.م", "ش.م.ع", "ج.م.ع", "أ.د", "م.م", "ت"}
_WORD_BEFORE = re.compile(r"([\w.]+)$")
_MIN_CHARS = 2


@dataclass(frozen=True)
class Sentence:
    text: str
    paragraph: int
    index: int


def _quote_spans(para: str) -> list[tuple[int, int]]:
    """Character spans of quotations that close within the paragraph (and are not too long)."""
    if '"' not in para and "«" not in para and "“" not in para:
        return []
    return [(m.start(), m.end() - 1) for m in _QUOTE.finditer(para)]


def _urlish(text: str) -> bool:
    """Does ``text`` end inside a URL or an e-mail address (its last run of non-spaces holds
    ``http://``, ``https://``, ``www.`` or an ``@`` after its first character)?"""
    if not text or text[-1].isspace():
        return False
    last = text.rsplit(None, 1)[-1]
    return "http://" in last or "https://" in last or "www." in last or "@" in last[1:]


def _is_abbreviation(before: str, dots: str) -> bool:
    if dots != ".":
        return False
    before = before[-64:]  # the word before the dot (a search over the whole text is O(n^2))
    match = _WORD_BEFORE.search(before)
    if not match:
        return False
    word = match.group(1)
    bare = word.strip(".")
    if not bare:
        return False
    if bare.lower() in _LATIN_ABBREV or bare in _ARABIC_ABBREV:
        return True
    if len(bare) == 1 and bare.isalpha():
        # "د. محمد" is an abbreviation, "عام 1997 م." ends a sentence
        prev = before[: match.start()].rstrip()
        return not (prev and prev[-1].isdigit())
    # initials: "U.S", "أ.د"
    return bool(re.fullmatch(r"(?:\w\.)+\w", bare))


def _split_paragraph(para: str) -> list[str]:
    spans = _quote_spans(para)
    out: list[str] = []
    start = 0
    for match in _END.finditer(para):
        pos = match.start()
        dots = match.group(1)
        after_pos = match.end()
        nxt = para[after_pos] if after_pos < len(para) else ""
        prev = para[pos - 1] if pos > 0 else ""
        if any(a < pos < b for a, b in spans):
            continue  # inside quoted speech
        if nxt and not nxt.isspace():
            # glued: only "قتيلا.وقال" (Arabic word, dot, Arabic letter) splits; never 2.5 or a.b
            if (
                not (
                    dots == "."
                    and re.match(f"[{_ARABIC_LETTER}]", nxt)
                    and re.match(f"[{_ARABIC_LETTER}]", prev)
                    and not re.search(f"(?:^|[^{_ARABIC_LETTER}])[{_ARABIC_LETTER}]$", para[:pos])
                )
                and not match.group(3)
                and dots not in ("؟", "!", "?", "…")
            ):
                continue
            if prev.isdigit() and nxt.isdigit():
                continue
        if prev.isdigit() and dots == "." and nxt.isdigit():
            continue
        if nxt and not nxt.isspace() and _urlish(para[start:pos]):
            continue
        if _is_abbreviation(para[start:pos], dots):
            continue
        end = match.start() + len(dots) + len(match.group(2))
        out.append(para[start:end])
        start = after_pos
    out.append(para[start:])
    cleaned = (s.strip(" ,،\t") for s in out)
    return [s for s in cleaned if len(s) >= _MIN_CHARS and any(c.isalnum() for c in s)]


def split_paragraph(para: str) -> list[str]:
    """The sentences of one paragraph (no line breaks inside)."""
    return _split_paragraph(para.strip())


def split_sentences(text: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    for p_index, para in enumerate(p for p in text.split("\n") if p.strip()):
        for part in _split_paragraph(para.strip()):
            sentences.append(Sentence(part, p_index, len(sentences)))
    return sentences
