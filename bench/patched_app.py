"""The API with the three fixes proposed in RESULTS.md applied by monkeypatching, to measure them.

    qawl bench search --app bench.patched_app:create_app ...

Not production code: the real fixes belong in api/graphql/schema.py, api/search/highlight.py and
api/deps.py (diffs in bench/RESULTS.md). Run from the repository root (uvicorn imports it by name).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import strawberry
from fastapi import FastAPI, Request
from strawberry.extensions import AddValidationRules, MaxAliasesLimiter, QueryDepthLimiter

import api.app
import api.deps
import api.search.highlight as hl
import api.search.keyword as kw
from api.search.service import SearchService
from api.settings import ApiSettings

_build_schema = api.app.build_schema


def _build_schema_once(settings: ApiSettings) -> strawberry.Schema:
    """Diff 1: limiter rule classes built once, so ValidationCache hits."""
    schema = _build_schema(settings)
    rules = [
        *QueryDepthLimiter(max_depth=settings.max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    ]
    kept: list[Any] = []
    for ext in schema.extensions:
        if (
            callable(ext)
            and getattr(ext, "__name__", "") == "<lambda>"
            and isinstance(ext(), (QueryDepthLimiter, MaxAliasesLimiter))
        ):
            continue
        kept.append(ext)
    if len(kept) < len(schema.extensions):  # per-request limiters found (before 499b310)
        kept.append(lambda: AddValidationRules(rules))
        schema.extensions = kept
    return schema


@functools.lru_cache(maxsize=131_072)
def _fold_word(word: str) -> str:
    return hl.normalize(word)


@functools.lru_cache(maxsize=131_072)
def _word_matches(terms: hl.QueryTerms, word: str, stem: Callable[[str], str]) -> bool:
    return terms.matches(word, stem)


def _mark_matches(
    text: str,
    terms: hl.QueryTerms,
    stem: Callable[[str], str],
    pre: str = "<mark>",
    post: str = "</mark>",
) -> str:
    """Diff 2: ``hl.mark_matches`` with the per-word fold and decision memoized."""
    if pre:
        text = text.replace(pre, pre[:1] + hl._ZWSP + pre[1:])
    if post:
        text = text.replace(post, post[:1] + hl._ZWSP + post[1:])
    out: list[str] = []
    pos = 0
    for m in hl._WORD.finditer(text):
        word = _fold_word(m.group())
        if word and _word_matches(terms, word, stem):
            out.append(text[pos : m.start()])
            out.append(pre + m.group() + post)
            pos = m.end()
    out.append(text[pos:])
    return "".join(out)


async def _get_search(request: Request) -> SearchService:
    """Diff 3: an async dependency (a sync one costs a thread-pool hop per request)."""
    search: SearchService = request.app.state.search
    return search


def create_app(settings: ApiSettings | None = None) -> FastAPI:
    api.app.build_schema = _build_schema_once  # type: ignore[assignment]
    kw.mark_matches = _mark_matches
    app = api.app.create_app(settings)
    app.dependency_overrides[api.deps.get_search] = _get_search
    return app
