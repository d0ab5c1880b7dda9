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
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from indexer.text.normalize import normalize

_TOKEN = re.compile(r"[\w%]+")
_DIGIT = re.compile(r"[0-9\u0660-\u0669\u06f0-\u06f9]")
_ATTR = re.compile(
    r"(?:^|\s)[وف]?(?:قال|قالت|اكد|اكدت|افاد|افادت|كشف|كشفت|اعلن|اعلنت|اوضح|اوضحت|اشار|اشارت|ذكر|ذكرت|صرح|صرحت|بحسب|حسب|وفقا|نقلا)(?=\s|$)"
)
_FIRST_PERSON = re.compile(
    r"(?:^|\s)(?:انا|نحن|اعتقد|اظن|ارى|نرى|رايي|برايي|اتمنى|نتمنى|ارجو|ياليت|يا)(?=\s|$)"
)
_OPINION = re.compile(
    r"(?:^|\s)(?:يجب|ينبغي|لابد|لا بد|عار|للاسف|مع الاسف|الحمد|الله|اللهم|رحم|حسبي|ان شاء)(?=\s|$)"
)
_NUMWORD = re.compile(
    r"(?:^|\s)[وب]?(?:الف|الاف|مليون|مليار|ملايين|مليارات|مئات|عشرات|بالمئه|بالمائه|المئه|المائه)(?=\s|$)"
)

_CUES = re.compile(
    "(?P<digit>[0-9])|(?P<attr>"
    + _ATTR.pattern
    + ")|(?P<first>"
    + _FIRST_PERSON.pattern
    + ")|(?P<opinion>"
    + _OPINION.pattern
    + ")|(?P<numword>"
    + _NUMWORD.pattern
    + ")"
)


def features(text: str, norm: str | None = None) -> list[str]:
    """Active binary features of one sentence (normalized tokens, bigrams, rule cues)."""
    norm = norm if norm is not None else normalize(text)
    toks = [t for t in _TOKEN.findall(norm) if not t.startswith("http")]
    toks = ["<num>" if t.isdigit() else t for t in toks]
    feats = [f"w:{t}" for t in toks]
    feats += [f"b:{a}_{b}" for a, b in itertools.pairwise(toks)]
    for t in toks:
        if len(t) > 4 and t[0] == "و":
            feats.append(f"w:{t[1:]}")
    cues = {m.lastgroup for m in _CUES.finditer(norm)}
    if "digit" in cues or "numword" in cues:
        feats.append("r:number")
    if "attr" in cues:
        feats.append("r:attribution")
    if "?" in norm:
        feats.append("r:question")
    if "!" in norm:
        feats.append("r:exclaim")
    if "first" in cues:
        feats.append("r:first_person")
    if "opinion" in cues:
        feats.append("r:opinion")
    if '"' in norm:
        feats.append("r:quote")
    if "http" in norm:
        feats.append("r:url")
    if "#" in norm or "@" in norm:
        feats.append("r:social")
    n = len(toks)
    feats.append("r:len" + ("<6" if n < 6 else "<12" if n < 12 else "<25" if n < 25 else "25+"))
    return feats


@dataclass(frozen=True)
class Model:
    bias: float
    weights: dict[str, float]
    threshold: float

    def score(self, text: str, norm: str | None = None) -> float:
        feats = set(features(text, norm))
        if not feats:
            return 0.0
        w = self.weights
        z = self.bias + sum(filter(None, map(w.get, feats))) / math.sqrt(len(feats))
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
    cue = bool(_DIGIT.search(text) or _NUMWORD.search(norm) or _ATTR.search(norm))
    return cue and "?" not in norm and not _FIRST_PERSON.search(norm) and not _OPINION.search(norm)
