"""A synthetic claims/articles corpus (1,200 claims) whose expected answers are computed here in
Python, independently of the API, to check filters, facets, sorts and deep pagination."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from indexer.documents import article_document, claim_document
from indexer.ingest import IndexNames, ensure_indexes
from indexer.meili.client import MeiliClient
from indexer.models import Article, Claim, NumberMention

N_CLAIMS = 1200
MAX_TOTAL_HITS = 100  # small on purpose: pages cross the boundary quickly
CLAIMANTS = ["لافروف", "بوتين", "وزارة الصحة", "المرصد السوري", 'x" OR source = "y']
TYPES = ["person", "person", "organization", "organization", "media"]
SOURCES = ["الجزيرة", "العربية", "سبق", "عكاظ"]
PLACES = ["دمشق", "موسكو", "الرياض", "حلب", "غزة", "بيروت"]
PEOPLE = ["محمد", "أحمد", "سارة"]
ORGS = ["الأمم المتحدة", "منظمة الصحة العالمية"]
WORDS = ["اقتصاد", "صحة", "حرب", "نفط", "تعليم", "مياه", "كهرباء"]
BASE = datetime(2024, 1, 1, tzinfo=UTC)


def _published(i: int) -> datetime | None:
    if i % 13 == 0:
        return None  # claims without a date: listed after dated ones in both directions
    return BASE + timedelta(days=(i * 7) % 75, hours=(i % 3) * 6)  # many ties on published_ts


def claims() -> list[Claim]:
    out = []
    for i in range(N_CLAIMS):
        numbers = []
        if i % 4 == 1:
            numbers = [NumberMention(value=float(i % 50), text=str(i % 50))]
        elif i % 4 == 2:
            numbers = [NumberMention(value=5.0, text="5"), NumberMention(value=500.0, text="500")]
        out.append(
            Claim(
                id=f"c{i:05d}",
                article_id=f"a{i // 6:04d}",
                sentence_index=i % 6,
                kind="verified" if i % 10 == 9 else "extracted",
                rating="false" if i % 10 == 9 else None,
                text=f"قال المتحدث إن {WORDS[i % len(WORDS)]} البلاد تحسن بنسبة {i % 50} "
                f"في المئة رقم{i}",
                claimant=CLAIMANTS[i % len(CLAIMANTS)],
                claimant_type=TYPES[i % len(TYPES)],  # type: ignore[arg-type]
                people=[PEOPLE[i % 3]] if i % 2 else [],
                organizations=[ORGS[i % 2]] if i % 3 == 0 else [],
                places=[PLACES[i % 6], PLACES[(i + 1) % 6]] if i % 5 else [PLACES[i % 6]],
                numbers=numbers,
                checkworthiness=round((i * 37 % 100) / 100, 2),
                cluster_id=f"k{i % 300:03d}",
                published_at=_published(i),
                source=SOURCES[i % len(SOURCES)],
                url=f"https://example.org/{i // 6}",
            )
        )
    return out


def articles() -> list[Article]:
    return [
        Article(
            id=f"a{j:04d}",
            title=f"عنوان {j}",
            body=f"نص المقال رقم {j}",
            url=f"https://example.org/{j}",
            source=SOURCES[j % len(SOURCES)],
            published_at=_published(j * 6) or BASE,
        )
        for j in range(N_CLAIMS // 6)
    ]


def docs() -> list[dict[str, Any]]:
    return [claim_document(c) for c in claims()]


async def build(client: MeiliClient, names: IndexNames, sortable_id: bool) -> None:
    await ensure_indexes(client, names)
    for uid in (names.claims, names.articles):
        current = await client.get_settings(uid)
        sortable = list(current["sortableAttributes"]) + (["id"] if sortable_id else [])
        await client.update_settings(
            uid, {"pagination": {"maxTotalHits": MAX_TOTAL_HITS}, "sortableAttributes": sortable}
        )
    t1 = await client.add_documents(names.claims, docs())
    t2 = await client.add_documents(names.articles, [article_document(a) for a in articles()])
    await client.wait_for_tasks([t1, t2])
