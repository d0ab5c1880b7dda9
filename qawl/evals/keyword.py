"""``qawl eval keyword``: does keyword search find a sentence however the user spells its words?

Suite (deterministic for a corpus, ``--sentences N`` and ``--seed S``):

- N articles are sampled from the corpus; from each, one sentence (6-60 words) is the *source*.
  Every sentence of those articles is indexed as a claim document (the others are realistic
  distractors from the same stories): ``Claim`` records built like the extractor builds them and
  pushed through the normal ingestion path (``indexer.ingest.ensure_indexes`` + ``index_claims``,
  i.e. ``indexer.documents.claim_document``). Extraction itself is not in the loop because it only
  keeps some sentences.
- Per source and per variant class, a query is a short window (3-6 consecutive words, widened until
  at most 3 indexed sentences contain all its words) around a target word, with the class's change
  applied: ``al`` (ال added/removed), ``prefix`` (و ب ل ف ك added, or a وال/بال/... clitic
  removed), ``pronoun`` (attached pronoun), ``plural`` (sound plural/dual added or removed),
  ``diacritics``, ``tatweel``, ``hamza`` (أ إ آ vs ا), ``ya`` (ى/ي), ``ta`` (ة/ه), ``digits``
  (ASCII vs Arabic-Indic), ``persian`` (ک ی), ``typo`` (one edit in a word of 6+ letters
  besides ال),
  and ``exact`` (unchanged).
- A query passes when the source (or a sentence with the same normalized text) is in the top 5.

Both systems run in the same process against the same managed Meilisearch: qawl through
``api.search.service.SearchService.search_claims`` (the code the API runs), and vanilla
Meilisearch (default settings, raw ``text`` only, raw query). Printed JSON (CONTRACT.md):
``{"classes": {C: {"qawl", "vanilla", "n"}}, "latency_ms_p50", "latency_ms_p99", ...}`` with extra
keys ``exact_first`` (an exact query ranks its source first), ``surface_first`` (for one-word
queries, every hit containing the word as typed ranks above every stem-only hit) and
``noise_zero_hits`` (ال + a word in no document returns nothing).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import random
import re
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer

from api.search import keyword
from api.search.service import ClaimQuery, SearchService
from indexer.extract import prepare_article
from indexer.extract.pipeline import claim_id
from indexer.index_settings import ARABIC_FUNCTION_WORDS, ARABIC_STOP_WORDS
from indexer.ingest import IndexNames, ensure_indexes, index_claims
from indexer.meili.client import MeiliClient
from indexer.meili.managed import MeiliBinaryError, meilisearch_for
from indexer.models import Article, Claim
from indexer.readers import ReadError, expand_paths, read_articles
from indexer.text import stem as stem_module
from indexer.text.normalize import normalize, tokens
from indexer.text.sentences import split_sentences

CLASSES = [
    "exact",
    "al",
    "prefix",
    "pronoun",
    "plural",
    "diacritics",
    "tatweel",
    "hamza",
    "ya",
    "ta",
    "digits",
    "persian",
    "typo",
]
TOP_K = 5
_ARABIC = re.compile(r"^[\u0621-\u064a]+$")
_EDGE_PUNCT = re.compile(r"^[^\w\u0621-\u064a]+|[^\w\u0621-\u064a]+$")
_HARAKAT = ["\u064e", "\u064f", "\u0650", "\u0651", "\u0652", "\u064b"]
_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_ASCII = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


@dataclass
class Source:
    claim_id: str
    text: str
    words: list[str]  # surface words, edge punctuation removed


@dataclass
class Query:
    cls: str
    text: str
    source: int  # index into Suite.sources


@dataclass
class Suite:
    claims: list[Claim]
    sources: list[Source]
    queries: list[Query] = field(default_factory=list)
    one_word: list[tuple[str, int]] = field(
        default_factory=list
    )  # (word, source) for surface_first
    noise: list[str] = field(default_factory=list)


# -- variant generators: (word, rng) -> changed word or None when the class does not apply --------
_FUNCTION = frozenset(
    keyword.FUNCTION_WORDS
    | {
        "الذي",
        "التي",
        "الذين",
        "اللذين",
        "اللتين",
        "اللواتي",
        "الي",
        "علي",
        "حتي",
        "لدي",
        "الان",
        "الله",
        "عليه",
        "عليها",
        "عليهم",
        "فيه",
        "فيها",
        "منه",
        "منها",
        "لها",
        "له",
        "لهم",
        "انه",
        "انها",
        "كما",
        "وقد",
        "كذلك",
        "ايضا",
        "حيث",
        "خلال",
        "اكثر",
        "اقل",
        "اول",
        "امس",
        "اليوم",
        "يوم",
        "عام",
    }
)


def _is_word(w: str) -> bool:
    return bool(_ARABIC.match(w)) and len(w) >= 3 and normalize(w) not in _FUNCTION


def _definite(w: str) -> str | None:
    """The noun of a definite word (ال + 3 letters or more), else None."""
    if _is_word(w) and w.startswith("ال") and len(w) >= 5 and not w.startswith("الالت"):
        return w[2:]
    return None


def v_al(w: str, rng: random.Random) -> str | None:
    noun = _definite(w)
    if noun is not None:
        return noun
    if _is_word(w) and w[0] not in "وفبكلاي" and w.endswith(("ة", "ات")):
        return "ال" + w
    return None


def v_prefix(w: str, rng: random.Random) -> str | None:
    if not _is_word(w):
        return None
    for clitic in ("وال", "بال", "فال", "كال"):
        if w.startswith(clitic) and len(w) >= 6:
            return w[1:]  # بالمرتزقة -> المرتزقة
    if w.startswith("لل") and len(w) >= 5:
        return "ال" + w[2:]
    p = rng.choice("وبلفك")
    if w.startswith("ال"):
        return "لل" + w[2:] if p == "ل" else p + w
    if w[0] in "وفبكل":
        return None
    return p + w


def v_pronoun(w: str, rng: random.Random) -> str | None:
    noun = _definite(w)
    if noun is None or noun.endswith(("ي", "ية", "ين", "ون", "ا", "ى", "ء", "ه", "ئ")):
        return None
    if noun.endswith("ة"):
        noun = noun[:-1] + "ت"
    return noun + rng.choice(["ه", "ها", "هم", "هن", "كم", "نا"])


def v_plural(w: str, rng: random.Random) -> str | None:
    noun = _definite(w)
    if noun is None or len(noun) < 3:
        return None
    for suffix in ("ين", "ون", "ات"):
        if noun.endswith(suffix):
            if len(noun) - len(suffix) < 3:
                return None
            return "ال" + noun[: -len(suffix)] + ("ة" if suffix == "ات" else "")
    if noun.endswith("ة"):
        return "ال" + noun[:-1] + rng.choice(["ات", "تان", "تين"])
    if noun.endswith(("ا", "ى", "ء", "ه", "ان")):
        return None
    return "ال" + noun + rng.choice(["ين", "ون", "ان"])


def v_diacritics(w: str, rng: random.Random) -> str | None:
    if not _is_word(w):
        return None
    return "".join(c + (rng.choice(_HARAKAT) if rng.random() < 0.7 else "") for c in w)


def v_tatweel(w: str, rng: random.Random) -> str | None:
    if not _is_word(w) or len(w) < 4:
        return None
    joiners = [i for i in range(1, len(w) - 1) if w[i - 1] not in "اأإآدذرزوؤءة"]
    if not joiners:
        return None
    i = rng.choice(joiners)
    return w[:i] + "ـ" * rng.randint(1, 3) + w[i:]


def v_hamza(w: str, rng: random.Random) -> str | None:
    if not _is_word(w):
        return None
    if any(c in w for c in "أإآ"):
        return w.translate(str.maketrans("أإآ", "ااا"))
    core = 2 if w.startswith("ال") else 0
    if len(w) > core + 2 and w[core] == "ا":
        return w[:core] + rng.choice("أإ") + w[core + 1 :]
    return None


def v_ya(w: str, rng: random.Random) -> str | None:
    if not _is_word(w):
        return None
    if w.endswith("ى"):
        return w[:-1] + "ي"
    if w.endswith("ي"):
        return w[:-1] + "ى"
    return None


def v_ta(w: str, rng: random.Random) -> str | None:
    if not _is_word(w):
        return None
    if w.endswith("ة"):
        return w[:-1] + "ه"
    if w.endswith("ه") and len(w) >= 4:
        return w[:-1] + "ة"
    return None


def v_digits(w: str, rng: random.Random) -> str | None:
    if not any(c.isdigit() for c in w):
        return None
    out = w.translate(_ASCII)
    return out if out != w else w.translate(_INDIC)


def v_persian(w: str, rng: random.Random) -> str | None:
    if not _is_word(w) or not any(c in w for c in "كي"):
        return None
    return w.replace("ك", "ک").replace("ي", "ی")


def v_typo(w: str, rng: random.Random) -> str | None:
    """One edit in a long word: 6+ letters not counting a leading ال."""
    if not _is_word(w) or len(w) - (2 if w.startswith("ال") else 0) < 6:
        return None
    # not on the article nor on the first letter of the word after it: Meilisearch counts a typo
    # on a word's first letter as two
    i = rng.randrange(3 if w.startswith("ال") else 1, len(w) - 1)
    op = rng.choice(["sub", "del", "ins", "swap"])
    if op == "sub":
        return w[:i] + rng.choice([c for c in _LETTERS if c != w[i]]) + w[i + 1 :]
    if op == "del":
        return w[:i] + w[i + 1 :]
    if op == "ins":
        return w[:i] + rng.choice(_LETTERS) + w[i:]
    if w[i] == w[i + 1]:
        return w[:i] + rng.choice([c for c in _LETTERS if c != w[i]]) + w[i + 1 :]
    return w[:i] + w[i + 1] + w[i] + w[i + 2 :]


VARIANTS = {
    "al": v_al,
    "prefix": v_prefix,
    "pronoun": v_pronoun,
    "plural": v_plural,
    "diacritics": v_diacritics,
    "tatweel": v_tatweel,
    "hamza": v_hamza,
    "ya": v_ya,
    "ta": v_ta,
    "digits": v_digits,
    "persian": v_persian,
    "typo": v_typo,
}


# -- suite -------------------------------------------------------------------------------------
def _surface_words(text: str) -> list[str]:
    out = []
    for raw in text.split():
        w = _EDGE_PUNCT.sub("", raw)
        if w:
            out.append(w)
    return out


def read_corpus(path: Path, max_articles: int | None = None) -> Iterator[Article]:
    count = 0
    for file in expand_paths([path]):
        for item in read_articles(file):
            if not isinstance(item, ReadError):
                yield item
                count += 1
                if max_articles is not None and count >= max_articles:
                    return


def build_suite(
    corpus: Path, n: int, seed: int, distractors: bool = True, max_articles: int | None = None
) -> Suite:
    """The suite of ``n`` sources (``max_articles``: sample only among the first articles)."""
    rng = random.Random(seed)
    articles = list(read_corpus(corpus, max_articles))
    rng.shuffle(articles)
    claims: dict[str, Claim] = {}
    sources: list[Source] = []
    for article in articles:
        if len(sources) >= n:
            break
        art = prepare_article(article)
        sentences = split_sentences(art.body)
        picks = [s for s in sentences if 6 <= len(_surface_words(s.text)) <= 60]
        if not picks:
            continue
        chosen = rng.choice(picks)
        for s in sentences if distractors else [chosen]:
            if len(s.text.split()) < 3:
                continue
            cid = claim_id(art.id, s.text)
            claims.setdefault(
                cid,
                Claim(
                    id=cid,
                    article_id=art.id,
                    text=s.text,
                    sentence_index=s.index,
                    published_at=art.published_at,
                    source=art.source,
                    url=art.url,
                ),
            )
        sources.append(
            Source(claim_id(art.id, chosen.text), chosen.text, _surface_words(chosen.text))
        )
    suite = Suite(claims=list(claims.values()), sources=sources)
    _make_queries(suite, rng)
    return suite


def _make_queries(suite: Suite, rng: random.Random) -> None:
    postings: dict[str, set[int]] = defaultdict(set)
    vocab_stems: set[str] = set()
    for i, claim in enumerate(suite.claims):
        for t in tokens(claim.text):
            postings[t].add(i)
            vocab_stems.add(stem_module.light_stem(t))

    def window(words: list[str], target: int) -> tuple[int, int]:
        """Smallest window (3..6 words) around ``target`` that at most 3 sentences contain."""
        best = (target, target + 1)
        for size in range(3, 7):
            lo = max(0, min(target - rng.randint(0, size - 1), len(words) - size))
            hi = min(len(words), lo + size)
            best = (lo, hi)
            docs: set[int] | None = None
            for w in words[lo:hi]:
                for t in tokens(w):
                    docs = (
                        set(postings.get(t, set()))
                        if docs is None
                        else docs & postings.get(t, set())
                    )
            if docs is not None and len(docs) <= 3:
                break
        return best

    for si, src in enumerate(suite.sources):
        words = src.words
        for cls in ["exact", *VARIANTS]:
            if cls == "exact":
                cands = [i for i, w in enumerate(words) if _is_word(w)]
                if not cands:
                    continue
                target = rng.choice(cands)
                lo, hi = window(words, target)
                suite.queries.append(Query("exact", " ".join(words[lo:hi]), si))
                continue
            fn = VARIANTS[cls]
            options = [(i, v) for i, w in enumerate(words) if (v := fn(w, rng)) and v != w]
            if not options:
                continue
            target, variant = rng.choice(options)
            lo, hi = window(words, target)
            q = [variant if i == target else words[i] for i in range(lo, hi)]
            suite.queries.append(Query(cls, " ".join(q), si))
        content = [w for w in words if _is_word(w) and len(w) >= 4]
        if content:
            suite.one_word.append((rng.choice(content), si))
    while len(suite.noise) < min(200, max(20, len(suite.sources) // 10)):
        w = "".join(rng.choice(_LETTERS) for _ in range(rng.randint(4, 6)))
        if w not in postings and stem_module.light_stem(w) not in vocab_stems:
            suite.noise.append("ال" + w)


# -- running -----------------------------------------------------------------------------------
def _same(hit_text: str, src: Source) -> bool:
    return normalize(hit_text) == normalize(src.text)


def _found(hits: list[dict[str, Any]], src: Source) -> bool:
    return any(h.get("id") == src.claim_id or _same(h.get("text", ""), src) for h in hits[:TOP_K])


def _contains_surface(text: str, word: str) -> bool:
    w = normalize(word)
    bare = w[2:] if w.startswith("ال") else w
    return any(t in (w, bare, "ال" + bare) for t in tokens(text))


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return round(values[min(len(values) - 1, int(q * len(values)))], 2)


async def _index_vanilla(client: MeiliClient, uid: str, claims: list[Claim]) -> None:
    await client.create_index(uid)
    tasks = [
        await client.add_documents(
            uid, [{"id": c.id, "text": c.text} for c in claims[i : i + 5000]]
        )
        for i in range(0, len(claims), 5000)
    ]
    await client.wait_for_tasks(tasks)


@contextlib.contextmanager
def _strategy(strategy: keyword.Strategy | None, stemmer: str | None) -> Iterator[None]:
    """Measure a variant: the API code path, with another strategy/stemmer in force."""
    old_default, old_stemmer = keyword.DEFAULT, stem_module.DEFAULT_STEMMER
    if strategy is not None:
        keyword.DEFAULT = strategy
    if stemmer is not None:
        stem_module.DEFAULT_STEMMER = stemmer  # type: ignore[assignment]
    try:
        yield
    finally:
        keyword.DEFAULT, stem_module.DEFAULT_STEMMER = old_default, old_stemmer


async def run_suite(
    url: str,
    key: str,
    suite: Suite,
    *,
    vanilla: bool = True,
    strategy: keyword.Strategy | None = None,
    stemmer: str | None = None,
    settings_override: dict[str, Any] | None = None,
) -> dict[str, Any]:
    tag = uuid.uuid4().hex[:8]
    names = IndexNames(claims=f"kweval_{tag}_claims", articles=f"kweval_{tag}_articles")
    vanilla_uid = f"kweval_{tag}_vanilla"
    async with MeiliClient(url, key or None, timeout=120) as client:
        try:
            with _strategy(strategy, stemmer):
                t0 = time.perf_counter()
                await ensure_indexes(client, names)
                if settings_override:
                    await client.update_settings(names.claims, settings_override)
                report = await index_claims(client, names, suite.claims)
                if not report.ok:
                    raise RuntimeError(f"indexing failed: {report.failed_tasks}")
                if vanilla:
                    await _index_vanilla(client, vanilla_uid, suite.claims)
                index_s = time.perf_counter() - t0
                service = SearchService(client, names.claims, names.articles)
                return await _measure(
                    client, service, vanilla_uid if vanilla else None, suite, index_s
                )
        finally:
            for uid in (names.claims, names.articles, vanilla_uid):
                with contextlib.suppress(Exception):
                    await client.delete_index(uid)


async def _measure(
    client: MeiliClient,
    service: SearchService,
    vanilla_uid: str | None,
    suite: Suite,
    index_s: float,
) -> dict[str, Any]:
    passed: dict[str, dict[str, int]] = defaultdict(lambda: {"qawl": 0, "vanilla": 0, "n": 0})
    latencies: list[float] = []
    v_latencies: list[float] = []
    exact_first = {"qawl": 0, "vanilla": 0, "n": 0}
    failures: dict[str, list[str]] = defaultdict(list)
    for q in suite.queries:
        src = suite.sources[q.source]
        t0 = time.perf_counter()
        page = await service.search_claims(ClaimQuery(query=q.text, first=TOP_K))
        latencies.append((time.perf_counter() - t0) * 1000)
        row = passed[q.cls]
        row["n"] += 1
        ok = _found(page.hits, src)
        row["qawl"] += ok
        if not ok and len(failures[q.cls]) < 5:
            failures[q.cls].append(q.text)
        if q.cls == "exact":
            exact_first["n"] += 1
            exact_first["qawl"] += bool(page.hits) and (
                page.hits[0]["id"] == src.claim_id or _same(page.hits[0]["text"], src)
            )
        if vanilla_uid:
            t0 = time.perf_counter()
            res = await client.search(vanilla_uid, {"q": q.text, "limit": TOP_K})
            v_latencies.append((time.perf_counter() - t0) * 1000)
            row["vanilla"] += _found(res["hits"], src)
            if q.cls == "exact":
                hits = res["hits"]
                exact_first["vanilla"] += bool(hits) and (
                    hits[0]["id"] == src.claim_id or _same(hits[0]["text"], src)
                )
    surface_first = 0
    for word, _si in suite.one_word:
        page = await service.search_claims(ClaimQuery(query=word, first=10))
        flags = [_contains_surface(h["text"], word) for h in page.hits]
        surface_first += all(not (b and not a) for a, b in itertools.pairwise(flags))
    noise = {"qawl": 0, "vanilla": 0, "n": len(suite.noise)}
    for q_text in suite.noise:
        page = await service.search_claims(ClaimQuery(query=q_text, first=TOP_K))
        noise["qawl"] += page.total == 0
        if vanilla_uid:
            res = await client.search(vanilla_uid, {"q": q_text, "limit": TOP_K})
            noise["vanilla"] += res["estimatedTotalHits"] == 0

    def rate(k: int, n: int) -> float:
        return round(k / n, 4) if n else 0.0

    classes = {
        c: {
            "qawl": rate(r["qawl"], r["n"]),
            "vanilla": rate(r["vanilla"], r["n"]) if vanilla_uid else None,
            "n": r["n"],
        }
        for c in CLASSES
        if (r := passed[c])["n"]
    }
    out: dict[str, Any] = {
        "classes": classes,
        "latency_ms_p50": _pct(latencies, 0.5),
        "latency_ms_p99": _pct(latencies, 0.99),
        "vanilla_latency_ms_p50": _pct(v_latencies, 0.5),
        "vanilla_latency_ms_p99": _pct(v_latencies, 0.99),
        "exact_first": {
            "qawl": rate(exact_first["qawl"], exact_first["n"]),
            "vanilla": rate(exact_first["vanilla"], exact_first["n"]),
            "n": exact_first["n"],
        },
        "surface_first": {
            "qawl": rate(surface_first, len(suite.one_word)),
            "n": len(suite.one_word),
        },
        "noise_zero_hits": {
            "qawl": rate(noise["qawl"], noise["n"]),
            "vanilla": rate(noise["vanilla"], noise["n"]),
            "n": noise["n"],
        },
        "overall": {
            "qawl": rate(sum(r["qawl"] for r in passed.values()), len(suite.queries)),
            "vanilla": rate(sum(r["vanilla"] for r in passed.values()), len(suite.queries)),
        },
        "documents": len(suite.claims),
        "sources": len(suite.sources),
        "queries": len(suite.queries),
        "index_seconds": round(index_s, 1),
        "failures_sample": dict(failures),
    }
    return out


def evaluate(
    corpus: Path,
    sentences: int,
    seed: int,
    *,
    distractors: bool = True,
    vanilla: bool = True,
    strategy: keyword.Strategy | None = None,
    stemmer: str | None = None,
    settings_override: dict[str, Any] | None = None,
) -> dict[str, Any]:
    suite = build_suite(corpus, sentences, seed, distractors=distractors)
    with meilisearch_for() as (url, key):
        result = asyncio.run(
            run_suite(
                url,
                key,
                suite,
                vanilla=vanilla,
                strategy=strategy,
                stemmer=stemmer,
                settings_override=settings_override,
            )
        )
    result["config"] = {
        "corpus": str(corpus),
        "sentences": sentences,
        "seed": seed,
        "distractors": distractors,
        "stemmer": stemmer or stem_module.DEFAULT_STEMMER,
        "strategy": (strategy or keyword.DEFAULT).__dict__,
        "settings_override": settings_override,
    }
    return result


def register(app: typer.Typer) -> None:
    @app.command("keyword")
    def keyword_cmd(
        corpus: Annotated[
            Path, typer.Option(help="article corpus (.jsonl.gz, .jsonl, .json, .txt or a folder)")
        ],
        sentences: Annotated[
            int, typer.Option(min=1, max=100_000, help="sampled source sentences")
        ] = 2000,
        seed: Annotated[int, typer.Option(help="sampling seed")] = 13,
        distractors: Annotated[
            bool, typer.Option(help="also index the other sentences of the sampled articles")
        ] = True,
        stemmer: Annotated[
            str | None, typer.Option(help="measure another stemmer (light, snowball)")
        ] = None,
        stem_weight: Annotated[
            float | None, typer.Option(help="measure another stemmed-query weight")
        ] = None,
        matching: Annotated[
            str | None, typer.Option(help="measure another matchingStrategy (last, all, frequency)")
        ] = None,
        one_typo: Annotated[
            int | None, typer.Option(help="measure another minWordSizeForTypos.oneTypo")
        ] = None,
        function_stop_words: Annotated[
            bool,
            typer.Option(help="measure Arabic function words (في، من، على ...) as stop words"),
        ] = False,
    ) -> None:
        """Keyword robustness per spelling-variant class: qawl vs vanilla Meilisearch (JSON)."""
        if not corpus.exists():
            typer.echo(f"qawl: no such file or directory: {corpus}", err=True)
            raise typer.Exit(2)
        if stemmer is not None and stemmer not in stem_module.STEMMERS:
            typer.echo(f"qawl: unknown stemmer {stemmer!r} (light, snowball)", err=True)
            raise typer.Exit(2)
        if matching is not None and matching not in ("last", "all", "frequency"):
            typer.echo(f"qawl: unknown matching strategy {matching!r}", err=True)
            raise typer.Exit(2)
        strategy = None
        if stem_weight is not None or matching is not None:
            base = keyword.DEFAULT
            strategy = keyword.Strategy(
                stem_weight=base.stem_weight if stem_weight is None else stem_weight,
                surface_matching=matching or base.surface_matching,  # type: ignore[arg-type]
                stem_matching=matching or base.stem_matching,  # type: ignore[arg-type]
                stemmer=base.stemmer,
            )
        override: dict[str, Any] | None = None
        if one_typo is not None:
            override = {
                "typoTolerance": {
                    "minWordSizeForTypos": {"oneTypo": one_typo, "twoTypos": max(one_typo + 1, 9)}
                }
            }
        if function_stop_words:
            words = [*ARABIC_STOP_WORDS, *ARABIC_FUNCTION_WORDS]
            override = {**(override or {}), "stopWords": list(dict.fromkeys(words))}
        try:
            result = evaluate(
                corpus,
                sentences,
                seed,
                distractors=distractors,
                stemmer=stemmer,
                strategy=strategy,
                settings_override=override,
            )
        except MeiliBinaryError as exc:
            typer.echo(f"qawl: {exc}", err=True)
            raise typer.Exit(1) from exc
        if not result["sources"]:
            typer.echo("qawl: no usable sentences in the corpus", err=True)
            raise typer.Exit(2)
        sys.stdout.write(orjson.dumps(result).decode() + "\n")
