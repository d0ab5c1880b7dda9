"""Articles from newsroom CMSs: payload shapes (qawl, WordPress, Ghost) and fetching by URL.

``article_from_payload`` turns an object in any of the known shapes into a checked ``Article``
(HTML converted to clean text; empty, HTML-only and non-Arabic articles refused with a message).
``fetch_article`` gets one from the CMS with httpx: bounded time and size, JSON or HTML only,
redirects followed only on the same host.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import orjson
from bs4 import BeautifulSoup

from indexer.models import Article, stable_id
from indexer.readers import article_from_obj
from indexer.text.clean import clean_body, html_to_text, looks_like_html

MAX_FETCH_BYTES = 5 * 1024 * 1024
FETCH_TIMEOUT_S = 10.0
MAX_REDIRECTS = 3
_ARABIC = re.compile(
    r"[\u0621-\u064a\u0671-\u06d3\u06fa-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc]"
)
_TAG = re.compile(r"<[A-Za-z!/][^>]*>")
_ID_OK = re.compile(r"^[A-Za-z0-9_-]{1,200}$")


class InvalidArticle(ValueError):
    """The payload is not an indexable article; retrying cannot help (a 4xx, a dead letter)."""


class FetchError(RuntimeError):
    """Fetching from the CMS failed. ``transient`` errors (timeouts, 5xx) are worth retrying."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


def parse_time(value: Any) -> float | None:
    """Epoch seconds from an ISO-8601 string (naive = UTC) or a number; None when absent."""
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise InvalidArticle(f"invalid timestamp: {value!r}")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError as exc:
            raise InvalidArticle(f"invalid ISO-8601 timestamp: {value!r}") from exc
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return when.timestamp()
    raise InvalidArticle(f"invalid timestamp: {value!r}")


def article_id_for(obj: dict[str, Any]) -> str:
    """The article id an object names: its ``id``, else a stable hash of its url (as readers do)."""
    raw = obj.get("id")
    if raw not in (None, ""):
        value = str(raw)
        if not _ID_OK.match(value):
            raise InvalidArticle("article id must be 1-200 characters of A-Z a-z 0-9 _ -")
        return value
    url = obj.get("url") or obj.get("link")
    if isinstance(url, str) and url:
        return stable_id(url)
    raise InvalidArticle("the article has neither an id nor a url")


def arabic_share(text: str) -> tuple[int, float]:
    letters = [c for c in text if c.isalpha()]
    arabic = sum(1 for c in letters if _ARABIC.match(c))
    return arabic, (arabic / len(letters) if letters else 0.0)


def check_indexable(article: Article) -> Article:
    """The article with a clean body, or ``InvalidArticle`` saying why it cannot be indexed."""
    raw = article.body
    body = clean_body(html_to_text(raw) if _TAG.search(raw) else raw)
    if not body.strip():
        if looks_like_html(raw) or "<" in raw:
            raise InvalidArticle("the article body has no text once its HTML markup is removed")
        raise InvalidArticle("the article body is empty")
    if article.language and article.language.lower() not in {"ar", "ara", "arabic"}:
        raise InvalidArticle(f"only Arabic articles are indexed (language is {article.language!r})")
    arabic, share = arabic_share(f"{article.title}\n{body}")
    if arabic < 10 or share < 0.4:
        raise InvalidArticle(
            f"the article is not Arabic text ({arabic} Arabic letters, {share:.0%} of its letters)"
        )
    return article.model_copy(update={"body": body})


def _rendered(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("rendered") or value.get("raw") or ""
    return value if isinstance(value, str) else ""


def _text(html: str) -> str:
    return html_to_text(html) if html else ""


def is_wordpress_post(obj: dict[str, Any]) -> bool:
    return isinstance(obj.get("content"), dict) or isinstance(obj.get("title"), dict)


def is_ghost_post(obj: dict[str, Any]) -> bool:
    return (
        "html" in obj or "plaintext" in obj or "lexical" in obj or "mobiledoc" in obj
    ) and "uuid" in obj


def wordpress_article(post: dict[str, Any]) -> Article:
    """WordPress REST post: ``id, date_gmt, modified_gmt, status, link, title.rendered,
    content.rendered``."""
    data = {
        "id": str(post.get("id", "")) or None,
        "title": _text(_rendered(post.get("title"))).replace("\n", " "),
        "body": _text(_rendered(post.get("content")))
        or _html_marker(_rendered(post.get("content"))),
        "url": post.get("link"),
        "published_at": post.get("date_gmt") or post.get("date"),
        "updated_at": post.get("modified_gmt") or post.get("modified"),
        "author": post.get("author") if isinstance(post.get("author"), str) else None,
        "source": post.get("source"),
        "language": post.get("language") or post.get("lang") or "ar",
    }
    return _build(data)


def ghost_article(post: dict[str, Any]) -> Article:
    """Ghost post: ``id, uuid, title, html|plaintext, url, published_at, updated_at, status``."""
    html = post.get("html") or ""
    body = _text(html) if html else (post.get("plaintext") or "")
    data = {
        "id": post.get("id"),
        "title": post.get("title") or "",
        "body": body or _html_marker(html),
        "url": post.get("url"),
        "published_at": post.get("published_at"),
        "updated_at": post.get("updated_at"),
        "source": post.get("source"),
        "language": post.get("locale") or post.get("language") or "ar",
    }
    return _build(data)


def _html_marker(html: str) -> str:
    # keep the raw markup so that check_indexable can say "no text once HTML is removed"
    return html


def _validated(data: dict[str, Any]) -> Article:
    """``data`` as an indexable ``Article``; any validation problem is an ``InvalidArticle``."""
    try:
        return check_indexable(article_from_obj(data))
    except InvalidArticle:
        raise
    except ValueError as exc:
        raise InvalidArticle(f"invalid article: {exc}") from exc


def _build(data: dict[str, Any]) -> Article:
    if not (data.get("body") or "").strip():
        raise InvalidArticle("the article body is empty")
    if data.get("id") is None:
        data["id"] = article_id_for(data)
    return _validated(data)


def article_from_payload(obj: Any) -> Article:
    """An indexable ``Article`` from a qawl/SaudiNewsNet, WordPress or Ghost object."""
    if not isinstance(obj, dict):
        raise InvalidArticle(f"the article must be a JSON object, got {type(obj).__name__}")
    if is_wordpress_post(obj):
        return wordpress_article(obj)
    if is_ghost_post(obj):
        return ghost_article(obj)
    body = next((obj[k] for k in ("body", "content", "text") if obj.get(k) not in (None, "")), None)
    if body is None or (isinstance(body, str) and not body.strip()):
        raise InvalidArticle("the article body is empty")
    if not isinstance(body, str):
        raise InvalidArticle("the article body must be a string")
    data = dict(obj)
    if data.get("id") in (None, ""):
        data["id"] = article_id_for(obj) if (obj.get("url") or obj.get("link")) else stable_id(body)
    else:
        data["id"] = article_id_for(obj)
    if looks_like_html(body):
        data["body"] = _text(body) or body
    return _validated(data)


def article_from_html_page(html: str, url: str) -> Article:
    """An article page: title from og:title/h1/title, text of <article>/<main>/<body>."""
    soup = BeautifulSoup(html, "html.parser")

    def meta(*names: str) -> str | None:
        for name in names:
            tag = soup.find("meta", attrs={"property": name}) or soup.find(
                "meta", attrs={"name": name}
            )
            content = tag.get("content") if tag else None
            if isinstance(content, str) and content.strip():
                return content.strip()
        return None

    h1 = soup.find("h1")
    title = (
        meta("og:title")
        or (h1.get_text(" ", strip=True) if h1 else None)
        or (soup.title.get_text(strip=True) if soup.title else "")
    )
    node = soup.find("article") or soup.find("main") or soup.body or soup
    lang = (soup.html.get("lang") if soup.html else None) or "ar"
    data = {
        "title": title,
        "body": str(node),
        "url": url,
        "published_at": meta("article:published_time"),
        "updated_at": meta("article:modified_time", "og:updated_time"),
        "language": str(lang).split("-")[0],
    }
    return article_from_payload(data)


async def fetch_article(
    url: str,
    article_id: str | None = None,
    *,
    timeout_s: float = FETCH_TIMEOUT_S,
    max_bytes: int = MAX_FETCH_BYTES,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Article:
    """GET ``url`` from the CMS and read the article (JSON in a known shape, or an HTML page)."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise InvalidArticle(f"cannot fetch {url!r}: only http(s) URLs are fetched")
    host = parts.hostname
    headers = {"Accept": "application/json, text/html;q=0.9", "User-Agent": "qawl"}
    limits = httpx.Timeout(timeout_s, connect=min(timeout_s, 5.0))
    async with httpx.AsyncClient(
        follow_redirects=False, timeout=limits, transport=transport
    ) as http:
        for _ in range(MAX_REDIRECTS + 1):
            try:
                async with http.stream("GET", url, headers=headers) as resp:
                    if resp.is_redirect:
                        target = urljoin(url, resp.headers.get("location", ""))
                        if urlsplit(target).hostname != host:
                            raise FetchError(
                                f"{url} redirects to another host ({target}): refused",
                                transient=False,
                            )
                        url = target
                        continue
                    if resp.status_code >= 500 or resp.status_code == 429:
                        raise FetchError(
                            f"the CMS answered {resp.status_code} for {url}", transient=True
                        )
                    if resp.status_code >= 400:
                        raise FetchError(
                            f"the CMS answered {resp.status_code} for {url}", transient=False
                        )
                    ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
                    if (
                        ctype != "application/json"
                        and not ctype.endswith("+json")
                        and ctype != "text/html"
                    ):
                        raise FetchError(
                            f"{url} has content type {ctype or 'none'!r}; expected JSON or HTML",
                            transient=False,
                        )
                    declared = resp.headers.get("content-length")
                    if declared and declared.isdigit() and int(declared) > max_bytes:
                        raise FetchError(f"{url} is larger than {max_bytes} bytes", transient=False)
                    chunks: list[bytes] = []
                    size = 0
                    async for chunk in resp.aiter_bytes():
                        size += len(chunk)
                        if size > max_bytes:
                            raise FetchError(
                                f"{url} is larger than {max_bytes} bytes", transient=False
                            )
                        chunks.append(chunk)
                    raw = b"".join(chunks)
            except httpx.TimeoutException as exc:
                raise FetchError(f"fetching {url} timed out", transient=True) from exc
            except httpx.TransportError as exc:
                raise FetchError(f"fetching {url} failed: {exc!r}", transient=True) from exc
            if ctype == "text/html":
                article = article_from_html_page(
                    raw.decode(resp.encoding or "utf-8", "replace"), url
                )
            else:
                try:
                    obj = orjson.loads(raw)
                except orjson.JSONDecodeError as exc:
                    raise InvalidArticle(f"{url} returned invalid JSON: {exc}") from exc
                if isinstance(obj, dict) and isinstance(obj.get("posts"), list) and obj["posts"]:
                    obj = obj["posts"][0]  # Ghost Content API
                elif isinstance(obj, list) and obj:
                    obj = obj[0]
                article = article_from_payload(obj)
            if article_id and article.id != article_id:
                article = article.model_copy(update={"id": article_id})
            if article.url is None:
                article = article.model_copy(update={"url": url})
            return article
    raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects", transient=False)
