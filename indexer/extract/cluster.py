"""``cluster_id``: the same claim reported by several outlets shares one id, computed per claim.

Signature = the numbers in the claim + its polarity (negation) + a MinHash (one stable hash, the
two smallest values) over light-stemmed content words. Paraphrases that keep the key words and the
figures collide (probability ~ their word-set Jaccard); a changed figure or an added negation
gives a different id. ``scripts/cluster_check.py`` prints the rates on ANS
paraphrase/contradiction pairs.
"""

from __future__ import annotations

import re
import zlib
from functools import lru_cache

from indexer.models import NumberMention, stable_id
from indexer.text.normalize import normalize

_TOKEN = re.compile(r"[\u0621-\u064a]+")
_NEGATION = {
    "لا",
    "لم",
    "لن",
    "ليس",
    "ليست",
    "غير",
    "نفى",
    "نفت",
    "ينفي",
    "تنفي",
    "عدم",
    "دون",
    "بدون",
    "رفض",
    "رفضت",
    "يرفض",
}
_STOP = {
    "في",
    "من",
    "الى",
    "على",
    "عن",
    "مع",
    "ان",
    "او",
    "ثم",
    "قد",
    "كان",
    "كانت",
    "التي",
    "الذي",
    "الذين",
    "هذا",
    "هذه",
    "ذلك",
    "تلك",
    "بين",
    "حول",
    "خلال",
    "بعد",
    "قبل",
    "منذ",
    "حتى",
    "عند",
    "كل",
    "بعض",
    "اي",
    "ما",
    "ماذا",
    "هو",
    "هي",
    "هم",
    "كما",
    "اذا",
    "لقد",
    "وقد",
    "قال",
    "قالت",
    "اكد",
    "اكدت",
    "افاد",
    "افادت",
    "اعلن",
    "اعلنت",
    "اليوم",
    "امس",
    "يوم",
    "ايضا",
    "فيما",
    "بينما",
    "حيث",
    "وفق",
    "وفقا",
    "بحسب",
    "حسب",
    "انه",
    "انها",
    "بان",
    "لها",
    "له",
}
_SUFFIXES = ("ات", "ون", "ين", "ها", "هم", "يه", "ه", "ي")
_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال", "و", "ب", "ل", "ف")


@lru_cache(maxsize=200_000)
def stem(tok: str) -> str:
    for p in _PREFIXES:
        if tok.startswith(p) and len(tok) - len(p) >= 3:
            tok = tok[len(p) :]
            break
    for s in _SUFFIXES:
        if tok.endswith(s) and len(tok) - len(s) >= 3:
            tok = tok[: -len(s)]
            break
    return tok


def content_stems(text: str, norm: str | None = None) -> set[str]:
    return {
        stem(t)
        for t in _TOKEN.findall(norm if norm is not None else normalize(text))
        if t not in _STOP and t not in _NEGATION and len(t) > 2
    }


def cluster_id(
    text: str, numbers: list[NumberMention] | None = None, norm: str | None = None
) -> str:
    norm = norm if norm is not None else normalize(text)
    toks = _TOKEN.findall(norm)
    negated = any(t in _NEGATION or (t.startswith("و") and t[1:] in _NEGATION) for t in toks)
    stems = content_stems(text, norm)
    hashes = sorted(zlib.crc32(s.encode("utf-8")) for s in stems)
    sig = ",".join(str(h) for h in hashes[:2])
    nums = ",".join(sorted({f"{n.value:g}" for n in (numbers or []) if n.unit != "year"}))
    return stable_id("cluster", sig, nums, "neg" if negated else "pos")
