"""People, organizations and places: a gazetteer (``indexer/data/gazetteer.json``) plus patterns.

Spelling variants map to one canonical name (``ناغورنو/ناغورني كاراباخ``, ``سوريا/سورية``):
matching runs on normalized tokens (hamza/alef, ta marbuta, ya folded), with one-letter proclitics
(و ب ل ف ك) stripped. Patterns add organizations opened by ``وزارة/منظمة/هيئة/وكالة ...``.
Why not a library: the offline Arabic NER options on PyPI (camel-tools, stanza) download their
models at first use, weigh hundreds of MB and run far below the 2,000 sentences/s target.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from indexer.text.normalize import normalize

_TOKEN = re.compile(r"[\w\u0621-\u064a]+")
_MAX_N = 5
_ORG_PATTERN = re.compile(
    r"(?:^|\s)[وبل]?((?:ال)?(?:وزارة|منظمة|هيئة|وكالة|مجلس|جامعة|حركة|حزب|جبهة|لجنة|مفوضية|شركة|صحيفة|قناة)"
    r"\s+(?!التي|الذي|من|في|على|عن)[\u0621-\u064a]+(?:\s+(?:ال[\u0621-\u064a]+))?)"
)
# a patronymic chain: "فيصل بن مشعل", "خالد بن أحمد الداموك", "محمد بن سلمان بن عبدالعزيز آل سعود"
_W = "[\u0621-\u064a]{2,}"
_PATRONYMIC = re.compile(
    rf"(?<![\u0621-\u064a])((?:و?عبد\s?{_W}|(?!ال){_W})(?:\s+(?:بن|بنت)\s+(?:عبد\s?|آل\s)?{_W})+"
    rf"(?:\s+(?:آل\s{_W}|ال{_W}))?)"
)
# first names that start with و (the clitic "و" is stripped from other words: "وخالد" -> "خالد")
_WAW_NAMES_TEXT = "وليد وائل وديع وسام وجدي وحيد وهيب وفاء ولاء وعد وضاح وصفي وداد"
_WAW_NAMES = frozenset(_WAW_NAMES_TEXT.split())
_KINDS = {"people": "people", "organizations": "organizations", "places": "places"}


@dataclass
class Entities:
    people: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)


@lru_cache(maxsize=1)
def gazetteer() -> dict[tuple[str, ...], tuple[str, str]]:
    """Normalized token tuple -> (kind, canonical name)."""
    data = json.loads(resources.files("indexer").joinpath("data/gazetteer.json").read_text("utf-8"))
    table: dict[tuple[str, ...], tuple[str, str]] = {}
    for kind in _KINDS:
        for canonical, variants in data[kind].items():
            for variant in [canonical, *variants]:
                key = tuple(normalize(variant).split())
                if key:
                    table.setdefault(key, (kind, canonical))
    return table


@lru_cache(maxsize=1)
def _firsts() -> frozenset[str]:
    return frozenset(k[0] for k in gazetteer())


@lru_cache(maxsize=1)
def _opening_forms() -> frozenset[str]:
    """Every token that can open a gazetteer entry: a first word, or one with a proclitic
    (``_candidates`` in reverse), so that a sentence's tokens are screened with one set test."""
    forms: set[str] = set()
    for first in _firsts():
        forms.add(first)
        forms.update(p + first for p in "وبلفك" if len(first) >= 3)
        if first.startswith("ال") and len(first) >= 3:
            forms.add("لل" + first[2:])  # "للمرصد" -> "المرصد"
    return frozenset(t for t in forms if _gazetteer_firsts(t))


def known_names() -> set[str]:
    """Single-token surface names of people and organizations (they may open a subject NP)."""
    data = json.loads(resources.files("indexer").joinpath("data/gazetteer.json").read_text("utf-8"))
    out: set[str] = set()
    for kind in ("people", "organizations"):
        for canonical, variants in data[kind].items():
            out.update(v.split()[0] for v in [canonical, *variants])
    return out


def _candidates(tok: str) -> tuple[str, ...]:
    if len(tok) > 3 and tok[0] in "وبلفك":
        rest = tok[1:]
        if tok[0] == "ل" and rest.startswith("ل"):
            return (tok, "ا" + rest)  # "للمرصد" -> "المرصد"
        return (tok, rest)
    return (tok,)


@lru_cache(maxsize=100_000)
def _gazetteer_firsts(tok: str) -> tuple[str, ...]:
    """The readings of ``tok`` (as is, without a proclitic) that open a gazetteer entry."""
    firsts = _firsts()
    return tuple(c for c in _candidates(tok) if c in firsts)


def find_entities(text: str, norm: str | None = None) -> Entities:
    table = gazetteer()
    toks = _TOKEN.findall(norm if norm is not None else normalize(text))
    found: dict[str, list[str]] = {"people": [], "organizations": [], "places": []}
    forms = _opening_forms()
    i = 0
    for start in [k for k, t in enumerate(toks) if t in forms]:
        if start < i:
            continue  # inside the entry matched last
        i = start
        matched = 0
        for first in _gazetteer_firsts(toks[i]):
            for n in range(min(_MAX_N, len(toks) - i), 0, -1):
                key = (first, *toks[i + 1 : i + n])
                hit = table.get(key)
                if hit:
                    kind, canonical = hit
                    if canonical not in found[kind]:
                        found[kind].append(canonical)
                    matched = n
                    break
            if matched:
                break
        i += matched or 1
    for match in _ORG_PATTERN.finditer(text):
        name = match.group(1).strip()
        nname = normalize(name)
        if tuple(nname.split()) in table:
            continue
        if not any(normalize(o) in nname or nname in normalize(o) for o in found["organizations"]):
            found["organizations"].append(name)
    if " بن " in text or " بنت " in text:
        _add_patronymics(text, found["people"])
    return Entities(found["people"], found["organizations"], found["places"])


def _add_patronymics(text: str, people: list[str]) -> None:
    """People named by a patronymic chain that the gazetteer does not know."""
    for match in _PATRONYMIC.finditer(text):
        name = match.group(1)
        first = name.split()[0]
        if first.startswith("وعبد") or (
            first.startswith("و") and len(first) >= 5 and first not in _WAW_NAMES
        ):
            name = name[1:]
        nname = normalize(name)
        known = [normalize(p) for p in people]
        # the same person as a known one: "الملك سلمان" and "سلمان بن عبدالعزيز آل سعود"
        if not any(nname in k or k in nname or k.split()[-1] == nname.split()[0] for k in known):
            people.append(name)
