"""Compare Arabic stemmers for the ``*_stem`` fields by measurement; prints one JSON object.

Two measurements per stemmer (``light`` = indexer.text.stem.light_stem, ``snowball`` = Snowball
Arabic via PyStemmer), on the same SaudiNewsNet sample:

1. ``conflation``: for words of the corpus, the share of generated variants (the eval's variant
   classes: ال, proclitics, pronouns, plurals) whose stem equals the stem of the original word
   (recall of the stemmer alone), and ``stems_per_word`` (distinct stems / distinct words: lower
   means more aggressive conflation, i.e. more risk of merging unrelated words).
2. ``retrieval``: ``qawl eval keyword`` pass rates per class with each stemmer at index AND query
   time, through the same search code the API runs (``--sentences`` sources; skip with
   ``--no-retrieval``).

    python scripts/compare_stemmers.py --corpus ../shared/data/saudinewsnet.jsonl.gz --sentences 300
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path
from typing import Any

import orjson

from indexer.text import stem as stem_module
from indexer.text.normalize import normalize
from qawl.evals.keyword import VARIANTS, _surface_words, evaluate, read_corpus

CONFLATION_CLASSES = ("al", "prefix", "pronoun", "plural")


def conflation(corpus: Path, words_n: int, seed: int) -> dict[str, dict[str, float]]:
    rng = random.Random(seed)
    words: list[str] = []
    for article in read_corpus(corpus, max_articles=2000):
        words.extend(_surface_words(article.body))
    rng.shuffle(words)
    words = words[:words_n]
    out: dict[str, dict[str, float]] = {}
    for name, fn in stem_module.STEMMERS.items():
        rng = random.Random(seed)
        row: dict[str, float] = {}
        for cls in CONFLATION_CLASSES:
            ok = n = 0
            for w in words:
                v = VARIANTS[cls](w, rng)
                if not v or v == w:
                    continue
                n += 1
                ok += fn(normalize(w)) == fn(normalize(v))
            row[cls] = round(ok / n, 4) if n else 0.0
        vocab = {normalize(w) for w in words if w.isalpha()}
        row["stems_per_word"] = round(len({fn(w) for w in vocab}) / max(1, len(vocab)), 4)
        out[name] = row
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--sentences", type=int, default=300)
    parser.add_argument("--words", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-retrieval", action="store_true")
    args = parser.parse_args(argv)
    if not args.corpus.exists():
        print(f"compare_stemmers: no such file: {args.corpus}", file=sys.stderr)
        return 2
    result: dict[str, Any] = {"conflation": conflation(args.corpus, args.words, args.seed)}
    if not args.no_retrieval:
        retrieval: dict[str, Any] = {}
        for name in stem_module.STEMMERS:
            res = evaluate(args.corpus, args.sentences, args.seed, stemmer=name, vanilla=False)
            retrieval[name] = {
                "classes": {c: v["qawl"] for c, v in res["classes"].items()},
                "overall": res["overall"]["qawl"],
                "exact_first": res["exact_first"]["qawl"],
                "surface_first": res["surface_first"]["qawl"],
            }
        result["retrieval"] = retrieval
        result["chosen"] = max(retrieval, key=lambda k: retrieval[k]["overall"])
    result["default"] = stem_module.DEFAULT_STEMMER
    sys.stdout.write(orjson.dumps(result).decode() + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
