"""Check-worthiness: a small logistic regression over words, word pairs and interpretable rule cues.

The weights live in ``indexer/data/checkworthiness.json`` (plain JSON, trained by
``scripts/train_checkworthiness.py`` on the CheckThat!/ThatiAR train splits); inference is pure
Python: ``sigmoid(bias + sum(weights of active features) / sqrt(#features))``.
The same ``features()`` is used for training and inference.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from indexer.text.normalize import normalize

_TOKEN = re.compile(r"[\w%]+")
_DIGIT = re.compile(r"[0-9\u0660-\u0669\u06f0-\u06f9]")
# rule cues: whole whitespace-separated words of the normalized sentence (what the regexes
# ``(?:^|\s)WORD(?=\s|$)`` matched before; word-set look-ups are ~10x cheaper than one
# alternation scanned over the sentence)
_ATTR_VERBS = "قال قالت اكد اكدت افاد افادت كشف كشفت اعلن اعلنت اوضح اوضحت اشار اشارت ذكر ذكرت"
_ATTR_WORDS = _ATTR_VERBS + " صرح صرحت بحسب حسب وفقا نقلا"
_ATTR = frozenset(p + w for w in _ATTR_WORDS.split() for p in ("", "و", "ف"))
_FIRST_PERSON_WORDS = "انا نحن اعتقد اظن ارى نرى رايي برايي اتمنى نتمنى ارجو ياليت يا"
_FIRST_PERSON = frozenset(normalize(w) for w in _FIRST_PERSON_WORDS.split())
_OPINION_WORDS = "يجب ينبغي لابد عار للاسف الحمد الله اللهم رحم حسبي"
_OPINION = frozenset(_OPINION_WORDS.split())
_OPINION_PAIRS = frozenset({("لا", "بد"), ("مع", "الاسف"), ("ان", "شاء")})
_NUMWORD_WORDS = "الف الاف مليون مليار ملايين مليارات مئات عشرات بالمئه بالمائه المئه المائه"
_NUMWORD = frozenset(p + w for w in _NUMWORD_WORDS.split() for p in ("", "و", "ب"))
_ASCII_DIGIT = re.compile(r"[0-9]")


def _cues(norm: str) -> set[str]:
    words = norm.split()
    present = set(words)
    cues: set[str] = set()
    if _ASCII_DIGIT.search(norm) or not _NUMWORD.isdisjoint(present):
        cues.add("number")
    if not _ATTR.isdisjoint(present):
        cues.add("attribution")
    if not _FIRST_PERSON.isdisjoint(present):
        cues.add("first_person")
    if not _OPINION.isdisjoint(present) or any(
        pair in _OPINION_PAIRS for pair in itertools.pairwise(words)
    ):
        cues.add("opinion")
    return cues


def _tokens(norm: str) -> list[str]:
    toks = [t for t in _TOKEN.findall(norm) if not t.startswith("http")]
    return ["<num>" if t.isdigit() else t for t in toks]


def _rules(norm: str, n_tokens: int) -> list[str]:
    """The rule-cue features (without their ``r:`` prefix)."""
    cues = _cues(norm)
    out: list[str] = [cue for cue in ("number", "attribution") if cue in cues]
    if "?" in norm:
        out.append("question")
    if "!" in norm:
        out.append("exclaim")
    out += [cue for cue in ("first_person", "opinion") if cue in cues]
    if '"' in norm:
        out.append("quote")
    if "http" in norm:
        out.append("url")
    if "#" in norm or "@" in norm:
        out.append("social")
    n = n_tokens
    out.append("len" + ("<6" if n < 6 else "<12" if n < 12 else "<25" if n < 25 else "25+"))
    return out


def _unprefixed(toks: list[str]) -> list[str]:
    return [t[1:] for t in toks if len(t) > 4 and t[0] == "و"]


def features(text: str, norm: str | None = None) -> list[str]:
    """Active binary features of one sentence (normalized tokens, bigrams, rule cues); what the
    training script fits. ``Model.score`` computes the same set without building the strings."""
    norm = norm if norm is not None else normalize(text)
    toks = _tokens(norm)
    feats = [f"w:{t}" for t in toks]
    feats += [f"b:{a}_{b}" for a, b in itertools.pairwise(toks)]
    feats += [f"w:{t}" for t in _unprefixed(toks)]
    feats += [f"r:{r}" for r in _rules(norm, len(toks))]
    return feats


@dataclass(frozen=True)
class Model:
    bias: float
    weights: dict[str, float]
    threshold: float
    # the weights split by feature kind, keys without their prefix (filled from ``weights``)
    words: dict[str, float] = field(default_factory=dict, compare=False)
    pairs: dict[str, float] = field(default_factory=dict, compare=False)
    rules: dict[str, float] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        by_kind = {"w": self.words, "b": self.pairs, "r": self.rules}
        for key, weight in self.weights.items():
            kind, _, name = key.partition(":")
            by_kind[kind][name] = weight

    def score(self, text: str, norm: str | None = None) -> float:
        """``sigmoid(bias + sum of the active features' weights / sqrt(#active))`` over the set
        of ``features(text)``, computed per kind."""
        norm = norm if norm is not None else normalize(text)
        toks = _tokens(norm)
        words = set(toks)
        words.update(_unprefixed(toks))
        pairs = {f"{a}_{b}" for a, b in itertools.pairwise(toks)}
        rules = _rules(norm, len(toks))
        total = (
            sum(filter(None, map(self.words.get, words)))
            + sum(filter(None, map(self.pairs.get, pairs)))
            + sum(filter(None, map(self.rules.get, rules)))
        )
        z = self.bias + total / math.sqrt(len(words) + len(pairs) + len(rules))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@lru_cache(maxsize=1)
def model() -> Model:
    raw = json.loads(
        resources.files("indexer").joinpath("data/checkworthiness.json").read_text("utf-8")
    )
    return Model(
        float(raw["bias"]),
        {k: float(v) for k, v in raw["weights"].items()},
        float(raw["threshold"]),
    )


def checkworthiness(text: str, norm: str | None = None) -> float:
    """Probability in 0..1 that ``text`` is a checkable factual claim."""
    return model().score(text, norm)


def rules_only(text: str) -> bool:
    """The interpretable baseline: a number or an attribution, and not a question or an opinion."""
    norm = normalize(text)
    cues = _cues(norm)
    cue = bool(_DIGIT.search(text)) or "number" in cues or "attribution" in cues
    return cue and "?" not in norm and not cues & {"first_person", "opinion"}
