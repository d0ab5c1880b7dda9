"""Who said it: attribution verbs and the claimant after them (first version)."""

from __future__ import annotations

import re

ATTRIBUTION_VERBS = (
    "قال", "قالت", "أكد", "أكدت", "أفاد", "أفادت", "كشف", "كشفت", "أعلن", "أعلنت", "أشار", "أشارت",
    "أوضح", "أوضحت", "ذكر", "ذكرت", "نقل", "نقلت", "صرح", "صرحت", "لفت", "لفتت", "أضاف", "أضافت",
    "تابع", "تابعت", "شدد", "شددت", "أردف", "أردفت",
)
ATTRIBUTION_PHRASES = ("بحسب", "وفقا لـ", "وفقاً لـ", "وفقا ل", "وفقاً ل", "نقلا عن", "نقلاً عن", "حسب")
_VERB_RE = re.compile(r"(?:^|\s)(?:و|ف)?(" + "|".join(ATTRIBUTION_VERBS) + r")(?=[\s:،,]|$)")
_PHRASE_RE = re.compile(r"(?:^|\s)(?:و)?(" + "|".join(map(re.escape, ATTRIBUTION_PHRASES)) + r")\s*")
_STOP = re.compile(r"[،,:\"«]|\s(?:أن|إن|ان|بأن|إلى|الى|في|عن|خلال|اليوم|أمس|الثلاثاء|الاثنين|الأربعاء|الخميس|الجمعة|السبت|الأحد)\s")


def find_attribution(sentence: str) -> tuple[str | None, str | None]:
    """(verb or phrase, claimant) — claimant is the phrase after the verb, best effort."""
    match = _VERB_RE.search(sentence) or _PHRASE_RE.search(sentence)
    if not match:
        return None, None
    verb = match.group(1)
    rest = sentence[match.end():].lstrip(" ،,")
    stop = _STOP.search(" " + rest)
    candidate = (rest[: max(stop.start() - 1, 0)] if stop else rest).strip()
    words = candidate.split()
    if not words or len(words) > 8:
        return verb, None
    # apposition: "وزير الخارجية الروسي، سيرغي لافروف، ..." -> the name
    after = rest[len(candidate):].lstrip()
    appos = re.match(r"^[،,]\s*([^،,:\"«]{3,40}?)\s*[،,]", after)
    if appos and 1 <= len(appos.group(1).split()) <= 3:
        return verb, appos.group(1).strip()
    return verb, " ".join(words)
