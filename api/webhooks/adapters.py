"""Webhook bodies -> one queued event: the generic qawl form, WordPress and Ghost shapes.

- qawl: ``{"type": "article.published|article.updated|article.deleted", "timestamp", "data"}``;
  ``data`` is an article, ``{"id", "url"}`` to fetch, or ``{"id"}`` for a delete.
- Ghost: ``{"post": {"current": {...}, "previous": {...}}}`` (events ``post.published``,
  ``post.published.edited``, ``post.unpublished``, ``post.deleted``; Ghost does not put the event
  name in the body, so it is read from ``?event=`` / ``X-Ghost-Event`` or inferred: empty
  ``current`` = deleted, ``status`` not ``published`` = unpublished).
- WordPress: a REST post object (``id, date_gmt, modified_gmt, status, link, title.rendered,
  content.rendered``), top level or as ``data``; ``status`` other than ``publish`` removes it.

The version that orders events of one article is ``data.updated_at`` (WordPress ``modified_gmt``,
Ghost ``updated_at``), else the body's ``timestamp``, else the signed ``webhook-timestamp``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from indexer.cms import (
    InvalidArticle,
    article_from_payload,
    article_id_for,
    is_wordpress_post,
    parse_time,
)

ARTICLE_EVENTS = {"article.published", "article.updated", "article.deleted"}
GHOST_EVENTS = {
    "post.published",
    "post.published.edited",
    "post.unpublished",
    "post.deleted",
    "post.added",
    "post.edited",
}


class EventError(ValueError):
    """The body is JSON but not an event qawl understands (a 422 with this message)."""


@dataclass(frozen=True)
class QueuedEvent:
    kind: Literal["upsert", "delete", "fetch"]
    article_id: str
    version: float
    payload: dict[str, Any]


def _version(*candidates: Any) -> float:
    for value in candidates:
        ts = parse_time(value)
        if ts is not None:
            return ts
    raise EventError("the event has no usable timestamp")


def _upsert(event_type: str, obj: dict[str, Any], fallback: Any) -> QueuedEvent:
    article = article_from_payload(obj)
    version = _version(article.updated_at.isoformat() if article.updated_at else None, fallback)
    return QueuedEvent(
        "upsert",
        article.id,
        version,
        {"type": event_type, "article": article.model_dump(mode="json")},
    )


def _delete(event_type: str, obj: dict[str, Any], *fallbacks: Any) -> QueuedEvent:
    article_id = article_id_for(obj)
    version = _version(obj.get("updated_at"), *fallbacks)
    return QueuedEvent("delete", article_id, version, {"type": event_type, "id": article_id})


def parse_event(body: Any, header_ts: int, event_hint: str | None = None) -> QueuedEvent:
    """The queued form of a webhook body; ``InvalidArticle``/``EventError`` say what is wrong."""
    if not isinstance(body, dict):
        raise EventError("the webhook body must be a JSON object")
    hint = (event_hint or "").strip() or None
    event_type = body.get("type") or body.get("event") or hint
    if isinstance(body.get("post"), dict) and (
        "current" in body["post"] or "previous" in body["post"]
    ):
        return _ghost(body["post"], event_type if isinstance(event_type, str) else None, header_ts)
    if "data" not in body and is_wordpress_post(body):
        return _wordpress(body, event_type, header_ts)
    if event_type not in ARTICLE_EVENTS:
        raise EventError(
            f"unknown event type {event_type!r}: expected one of "
            f"{', '.join(sorted(ARTICLE_EVENTS))}"
            " (or a WordPress post / Ghost post body)"
        )
    data = body.get("data")
    if not isinstance(data, dict):
        raise EventError("the event needs a `data` object")
    stamp = body.get("timestamp")
    if event_type == "article.deleted":
        return _delete(event_type, data, stamp, header_ts)
    if is_wordpress_post(data) and str(data.get("status", "publish")) != "publish":
        return _delete(
            event_type, {"id": data.get("id")}, data.get("modified_gmt"), stamp, header_ts
        )
    has_text = any(
        data.get(k) not in (None, "") for k in ("body", "content", "text", "html", "plaintext")
    )
    if not has_text and (data.get("url") or data.get("link")) and not is_wordpress_post(data):
        url = data.get("url") or data.get("link")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise EventError("`data.url` must be an http(s) URL to fetch the article from")
        article_id = article_id_for(data)
        version = _version(data.get("updated_at"), stamp, header_ts)
        return QueuedEvent(
            "fetch", article_id, version, {"type": event_type, "url": url, "id": article_id}
        )
    return _upsert(event_type, data, stamp or header_ts)


def _ghost(post: dict[str, Any], event_type: str | None, header_ts: int) -> QueuedEvent:
    raw_current, raw_previous = post.get("current"), post.get("previous")
    current: dict[str, Any] = raw_current if isinstance(raw_current, dict) else {}
    previous: dict[str, Any] = raw_previous if isinstance(raw_previous, dict) else {}
    if event_type is not None and event_type not in GHOST_EVENTS:
        raise EventError(f"unknown Ghost event {event_type!r}")
    name = event_type or ""
    if name == "post.deleted" or not current.get("id"):
        target = previous if previous.get("id") else current
        if not target.get("id"):
            raise EventError("the Ghost event names no post id")
        # a deletion has no updated_at of its own: it happens at the delivery time
        return _delete(name or "post.deleted", {"id": target["id"]}, header_ts)
    if name == "post.unpublished" or current.get("status", "published") != "published":
        return _delete(
            name or "post.unpublished", {"id": current["id"]}, current.get("updated_at"), header_ts
        )
    if not any(current.get(k) for k in ("html", "plaintext")):
        raise InvalidArticle("the Ghost post has no html/plaintext content")
    return _upsert(
        name or "post.published", {**current, "uuid": current.get("uuid", "")}, header_ts
    )


def _wordpress(post: dict[str, Any], event_type: Any, header_ts: int) -> QueuedEvent:
    name = str(event_type or "wordpress.post")
    if "delete" in name or str(post.get("status", "publish")) != "publish":
        return _delete(name, {"id": post.get("id")}, post.get("modified_gmt"), header_ts)
    return _upsert(name, post, header_ts)
