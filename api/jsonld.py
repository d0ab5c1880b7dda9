"""schema.org JSON-LD for a claim: a ``ClaimReview`` for a verified claim that carries a rating,
else a ``Claim`` (https://schema.org/Claim) with its claimant and the article it appeared in."""

from __future__ import annotations

from typing import Any

_PERSONLIKE = {
    "person": "Person",
    "organization": "Organization",
    "media": "Organization",
    "report": "CreativeWork",
}


def _author(doc: dict[str, Any]) -> dict[str, Any] | None:
    name = doc.get("claimant")
    if not name:
        return None
    return {"@type": _PERSONLIKE.get(str(doc.get("claimant_type")), "Thing"), "name": name}


def _claim(doc: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "@type": "Claim",
        "identifier": doc["id"],
        "text": doc.get("text"),
        "inLanguage": doc.get("language") or "ar",
    }
    if author := _author(doc):
        out["author"] = author
    if doc.get("published_at"):
        out["datePublished"] = doc["published_at"]
    appearance: dict[str, Any] = {"@type": "NewsArticle"}
    if doc.get("url"):
        appearance["url"] = doc["url"]
    if doc.get("source"):
        appearance["publisher"] = {"@type": "Organization", "name": doc["source"]}
    if doc.get("article_id"):
        appearance["identifier"] = doc["article_id"]
    if len(appearance) > 1:
        out["appearance"] = appearance
    places = doc.get("places") or []
    if places:
        out["spatialCoverage"] = [{"@type": "Place", "name": p} for p in places]
    mentions = [{"@type": "Person", "name": p} for p in doc.get("people") or []]
    mentions += [{"@type": "Organization", "name": o} for o in doc.get("organizations") or []]
    if mentions:
        out["mentions"] = mentions
    return out


def claim_jsonld(doc: dict[str, Any]) -> dict[str, Any]:
    if doc.get("kind") == "verified" and doc.get("rating"):
        review: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "identifier": doc["id"],
            "claimReviewed": doc.get("text"),
            "itemReviewed": _claim(doc),
            "reviewRating": {"@type": "Rating", "alternateName": doc["rating"]},
            "inLanguage": doc.get("language") or "ar",
        }
        if doc.get("url"):
            review["url"] = doc["url"]
        if doc.get("title"):
            review["headline"] = doc["title"]
        if doc.get("published_at"):
            review["datePublished"] = doc["published_at"]
        return review
    return {"@context": "https://schema.org", **_claim(doc)}
