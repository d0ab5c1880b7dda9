"""Webhook bodies of qawl, WordPress and Ghost -> queued events (HTML cleaned, versions read)."""

from __future__ import annotations

import pytest

from api.webhooks.adapters import EventError, parse_event
from indexer.cms import InvalidArticle, parse_time

TS = 1_700_000_000
BODY_HTML = (
    "<p>قال وزير المالية إن العجز بلغ <strong>5 مليارات</strong> ريال.</p>"
    "<script>x()</script><p>وأضاف أن الإنفاق سينخفض.</p>"
)


def test_generic_article_event() -> None:
    ev = parse_event(
        {
            "type": "article.updated",
            "timestamp": "2024-05-01T00:00:00Z",
            "data": {
                "id": "a-1",
                "title": "ع",
                "body": BODY_HTML,
                "updated_at": "2024-04-30T10:00:00Z",
            },
        },
        TS,
    )
    assert ev.kind == "upsert" and ev.article_id == "a-1"
    assert ev.version == parse_time("2024-04-30T10:00:00Z")
    body = ev.payload["article"]["body"]
    assert (
        "<" not in body and "x()" not in body and "5 مليارات" in body and len(body.split("\n")) == 2
    )


def test_generic_fetch_and_delete() -> None:
    fetch = parse_event(
        {
            "type": "article.published",
            "timestamp": "2024-05-01T00:00:00Z",
            "data": {"id": "a-2", "url": "https://cms.example/a-2"},
        },
        TS,
    )
    assert (fetch.kind, fetch.payload["url"], fetch.version) == (
        "fetch",
        "https://cms.example/a-2",
        parse_time("2024-05-01T00:00:00Z"),
    )
    delete = parse_event({"type": "article.deleted", "data": {"id": "a-2"}}, TS)
    assert (delete.kind, delete.article_id, delete.version) == ("delete", "a-2", TS)


def test_wordpress_post() -> None:
    post = {
        "id": 42,
        "date_gmt": "2024-01-01T08:00:00",
        "modified_gmt": "2024-01-02T09:00:00",
        "status": "publish",
        "link": "https://news.example/?p=42",
        "title": {"rendered": "عنوان &#8211; الخبر"},
        "content": {"rendered": BODY_HTML},
    }
    ev = parse_event(post, TS)
    art = ev.payload["article"]
    assert ev.kind == "upsert" and ev.article_id == "42" and art["title"] == "عنوان – الخبر"
    assert art["url"] == "https://news.example/?p=42" and ev.version == parse_time(
        "2024-01-02T09:00:00Z"
    )
    trashed = parse_event({**post, "status": "trash"}, TS)
    assert (trashed.kind, trashed.article_id) == ("delete", "42")


def test_ghost_events() -> None:
    current = {
        "id": "65f0c0ffee0000000000abcd",
        "uuid": "u",
        "title": "عنوان",
        "html": BODY_HTML,
        "status": "published",
        "url": "https://ghost.example/x/",
        "updated_at": "2024-03-03T03:03:03.000Z",
        "published_at": "2024-03-01T00:00:00.000Z",
    }
    published = parse_event({"post": {"current": current, "previous": {}}}, TS, "post.published")
    assert published.kind == "upsert" and published.article_id == current["id"]
    edited = parse_event(
        {"post": {"current": current, "previous": {"title": "old"}}}, TS, "post.published.edited"
    )
    assert edited.kind == "upsert"
    unpublished = parse_event(
        {"post": {"current": {**current, "status": "draft"}, "previous": {}}}, TS
    )
    assert unpublished.kind == "delete"
    deleted = parse_event({"post": {"current": {}, "previous": {"id": current["id"]}}}, TS)
    assert (deleted.kind, deleted.article_id, deleted.version) == ("delete", current["id"], TS)


@pytest.mark.parametrize(
    "body, error, words",
    [
        ({"type": "article.published", "data": {"id": "x", "body": ""}}, InvalidArticle, "empty"),
        (
            {
                "type": "article.published",
                "data": {"id": "x", "body": "Only English words in this article body."},
            },
            InvalidArticle,
            "not Arabic",
        ),
        (
            {"type": "article.published", "data": {"id": "x", "body": "<p><img src=a.png></p>"}},
            InvalidArticle,
            "HTML",
        ),
        (
            {
                "type": "article.published",
                "data": {"id": "x", "body": "نص عربي كاف للاختبار هنا", "language": "en"},
            },
            InvalidArticle,
            "Arabic",
        ),
        ({"type": "article.exploded", "data": {}}, EventError, "unknown event type"),
        ([1, 2], EventError, "JSON object"),
        ({"type": "article.published", "data": {"id": "x", "url": "ftp://x"}}, EventError, "http"),
    ],
)
def test_refused_bodies(body, error, words) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=words):
        parse_event(body, TS)
