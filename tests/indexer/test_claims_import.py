"""Importing verified claims: JSONL and ClaimReview JSON-LD, bad lines reported, stats kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from indexer.claims_import import is_claims_path, read_claims
from indexer.corpus_stats import TOTALS_ID, stats_index_name, term_id
from indexer.embeddings import DIMENSIONS, default_embedder, vector_of
from indexer.ingest import IndexNames, IngestReport, ensure_indexes, index_claims
from indexer.models import Claim
from indexer.readers import ReadError
from indexer.text.stem import stem_text
from qawl.cli import app
from tests.conftest import Meili, run

GOOD = {
    "id": "vc-1",
    "text": "وزارة الأوقاف ترسل مصلي خفي لكل مسجد",
    "title": "لا وجود للمصلي الخفي",
    "claimant": "حساب على تويتر",
    "date": "2021-01-05",
    "rating": "false",
    "url": "https://example.org/1",
    "language": "ar",
}


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _split(items: list[Claim | ReadError]) -> tuple[list[Claim], list[ReadError]]:
    return [i for i in items if isinstance(i, Claim)], [
        i for i in items if isinstance(i, ReadError)
    ]


def test_jsonl_claims_with_bad_lines(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "checks.claims.jsonl",
        [
            json.dumps(GOOD, ensure_ascii=False),
            "{not json",
            json.dumps({"id": "vc-2", "title": "no text"}),
            json.dumps({"id": "bad id with spaces", "text": "نص"}),
            json.dumps({"text": "ادعاء بلا معرف", "date": "yesterday"}),
            json.dumps({"text": "ادعاء بلا معرف", "url": "https://example.org/2"}),
        ],
    )
    claims, errors = _split(list(read_claims(path)))
    assert [e.line for e in errors] == [2, 3, 4, 5]
    assert all(e.path == str(path) for e in errors)
    assert "text" in errors[1].message and "id" in errors[2].message and "date" in errors[3].message
    first, second = claims
    assert first.id == "vc-1" and first.kind == "verified" and first.rating == "false"
    assert first.title == GOOD["title"] and first.claimant == GOOD["claimant"]
    assert first.published_at is not None and first.published_at.year == 2021
    assert second.kind == "verified" and second.id  # a stable id from the url
    again, _ = _split(list(read_claims(path)))
    assert again[1].id == second.id


def test_verified_jsonl_is_recognised_by_kind(tmp_path: Path) -> None:
    verified = _write(
        tmp_path / "mixed.jsonl", [json.dumps({**GOOD, "kind": "verified"}, ensure_ascii=False)]
    )
    articles = _write(
        tmp_path / "news.jsonl", [json.dumps({"id": "a1", "title": "t", "body": "نص"})]
    )
    assert is_claims_path(verified) and not is_claims_path(articles)
    assert is_claims_path(tmp_path / "x.claims.jsonl") and is_claims_path(tmp_path / "x.jsonld")


def _review(text: str, **extra: object) -> dict[str, object]:
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": "https://fact.example/review",
        "claimReviewed": text,
        "datePublished": "2021-02-01",
        "author": {"@type": "Organization", "name": "مسبار"},
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Person", "name": "مدون"},
            "datePublished": "2021-01-30",
        },
        "reviewRating": {"@type": "Rating", "ratingValue": 1, "alternateName": "False"},
        **extra,
    }


def test_claimreview_jsonld(tmp_path: Path) -> None:
    single = tmp_path / "one.jsonld"
    single.write_text(
        json.dumps(_review("هتلر قال أعطني جنديا عربيا", identifier="cr-1"), ensure_ascii=False),
        encoding="utf-8",
    )
    [claim] = list(read_claims(single))
    assert isinstance(claim, Claim)
    assert (claim.id, claim.kind, claim.text) == ("cr-1", "verified", "هتلر قال أعطني جنديا عربيا")
    assert claim.claimant == "مدون" and claim.rating == "False" and claim.source == "مسبار"
    assert claim.published_at is not None and claim.published_at.month == 1

    graph = tmp_path / "many.jsonld"
    graph.write_text(
        json.dumps(
            {
                "@graph": [
                    _review("ادعاء أول", **{"@id": "https://fact.example/review#1"}),
                    {"@type": "WebPage", "name": "not a review"},
                    _review(""),
                    _review("ادعاء رابع"),
                ]
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    claims, errors = _split(list(read_claims(graph)))
    assert [c.text for c in claims] == ["ادعاء أول", "ادعاء رابع"]
    assert [e.line for e in errors] == [2, 3]
    assert claims[0].id != claims[1].id and all(c.id.replace("-", "").isalnum() for c in claims)

    broken = tmp_path / "broken.jsonld"
    broken.write_text("{", encoding="utf-8")
    [err] = list(read_claims(broken))
    assert isinstance(err, ReadError) and err.path == str(broken)


async def _stats(meili: Meili, claims_index: str, terms: list[str]) -> dict[str, dict[str, object]]:
    async with meili.client() as client:
        res = await client.fetch_documents(
            stats_index_name(claims_index), ids=[TOTALS_ID, *map(term_id, terms)]
        )
    return {d["id"]: d for d in res["results"]}


def test_qawl_index_imports_claims_and_keeps_stats(
    tmp_path: Path, meili: Meili, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(
        tmp_path / "checks.claims.jsonl",
        [
            json.dumps(GOOD, ensure_ascii=False),
            json.dumps({"id": "vc-2", "text": "مسجد في عمان يغلق أبوابه"}, ensure_ascii=False),
            "oops",
        ],
    )
    monkeypatch.setenv("MEILI_URL", meili.url)
    monkeypatch.setenv("MEILI_MASTER_KEY", meili.key)
    monkeypatch.setenv("QAWL_INDEX_PREFIX", prefix)
    result = CliRunner().invoke(app, ["index", str(path)])
    assert result.exit_code == 2, result.output  # one bad line: reported, the rest indexed
    assert "checks.claims.jsonl:3" in result.output
    names = IndexNames(claims=f"{prefix}claims", articles=f"{prefix}articles")

    async def kinds() -> list[str]:
        async with meili.client() as client:
            res = await client.search(
                names.claims, {"q": "", "filter": 'kind = "verified"', "limit": 10}
            )
        return sorted(h["id"] for h in res["hits"])

    assert run(kinds()) == ["vc-1", "vc-2"]
    mosque = stem_text("مسجد")
    stats = run(_stats(meili, names.claims, [mosque]))
    assert stats[TOTALS_ID]["n"] == 2 and stats[term_id(mosque)]["df"] == 2

    # re-importing one claim with a new text replaces its terms instead of counting it twice
    async def reimport() -> None:
        async with meili.client() as client:
            await ensure_indexes(client, names)
            report = await index_claims(
                client, names, [Claim(id="vc-2", kind="verified", text="سفارة فرنسا تطرد رساما")]
            )
            assert report.ok, report

    run(reimport())
    stats = run(_stats(meili, names.claims, [mosque, stem_text("سفارة")]))
    assert stats[TOTALS_ID]["n"] == 2
    assert stats[term_id(mosque)]["df"] == 1 and stats[term_id(stem_text("سفارة"))]["df"] == 1


def test_verified_claims_are_stored_with_their_vector(meili: Meili, prefix: str) -> None:
    """Imported verified claims carry the e5 vector of their text; extracted claims none; a
    vector passed in (a re-index) is stored as given instead of being computed again."""
    names = IndexNames(claims=f"{prefix}claims", articles=f"{prefix}articles")
    given = [0.0] * DIMENSIONS
    given[0] = 1.0
    claims = [
        Claim(id="vv-1", kind="verified", text="العاهل المغربي يتلقى الجرعة الأولى من لقاح كورونا"),
        Claim(id="vv-2", kind="verified", text="مسجد في عمان يغلق أبوابه"),
        Claim(id="vx-1", kind="extracted", text="قال الوزير إن الأسعار ارتفعت"),
    ]

    async def go() -> tuple[IngestReport, dict[str, list[float] | None]]:
        async with meili.client() as client:
            await ensure_indexes(client, names)
            report = await index_claims(client, names, claims, vectors={"vv-2": given})
            res = await client.fetch_documents(names.claims, fields=["id"], retrieve_vectors=True)
        return report, {d["id"]: vector_of(d) for d in res["results"]}

    report, stored = run(go())
    assert report.ok and report.embedded == 1
    own = default_embedder().embed_one(claims[0].text)
    first = stored["vv-1"]
    assert first is not None and sum(a * b for a, b in zip(first, own, strict=True)) > 0.999
    assert stored["vv-2"] == given
    assert stored["vx-1"] is None
