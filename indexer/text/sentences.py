"""Arabic sentence splitting that keeps numbers, abbreviations and quoted speech whole."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A sentence ends at . ! ? ؟ … (optionally followed by a closing quote) when followed by space,
# a comma join (".," as in CMS exports), a newline or the end. Dots between digits never split.
_END = re.compile(r"""(?<!\d\.)(?<![A-Za-z]\.[A-Za-z])([.!?؟…]+["»”']?)(?:\s*,)?(?=\s|$)""")
_ABBREV = re.compile(r"(?:^|\s)(?:د|م|ج|ص|ق|هـ|أ|Mr|Dr|No|St|Inc|Ltd|U\.S|ش\.م\.ع)\.$")
_MIN_CHARS = 2
_MAX_QUOTED = 700  # an unbalanced quote mark must not glue a whole paragraph


@dataclass(frozen=True)
class Sentence:
    text: str
    paragraph: int
    index: int


def _split_paragraph(para: str) -> list[str]:
    out: list[str] = []
    start = 0
    for match in _END.finditer(para):
        end = match.end(1)
        segment = para[start:end]
        if _ABBREV.search(segment):
            continue
        inside_quote = segment.count("«") > segment.count("»") or segment.count('"') % 2 == 1
        if inside_quote and len(segment) < _MAX_QUOTED:  # quoted speech stays one sentence
            continue
        out.append(segment)
        start = match.end()
    out.append(para[start:])
    return [s.strip(" ,،") for s in out if len(s.strip(" ,،")) >= _MIN_CHARS]


def split_sentences(text: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    for p_index, para in enumerate(p for p in text.split("\n") if p.strip()):
        for part in _split_paragraph(para.strip()):
            sentences.append(Sentence(part, p_index, len(sentences)))
    return sentences
