"""Article -> claims. First version: one claim per sentence with an attribution or a number."""

from __future__ import annotations

from indexer.extract.attribution import find_attribution
from indexer.extract.numbers import extract_numbers
from indexer.models import Article, Claim, stable_id
from indexer.text.clean import clean_body
from indexer.text.normalize import normalize
from indexer.text.sentences import split_sentences


def prepare_article(article: Article) -> Article:
    """The article with its body cleaned (HTML, control chars, repeated paragraphs)."""
    return article.model_copy(update={"body": clean_body(article.body)})


def claim_id(article_id: str, sentence: str) -> str:
    return stable_id(article_id, normalize(sentence))


def extract_claims(article: Article) -> list[Claim]:
    body = clean_body(article.body)
    claims: list[Claim] = []
    seen: set[str] = set()
    for sentence in split_sentences(body):
        verb, claimant = find_attribution(sentence.text)
        numbers = extract_numbers(sentence.text)
        if verb is None and not numbers:
            continue
        cid = claim_id(article.id, sentence.text)
        if cid in seen:
            continue
        seen.add(cid)
        claims.append(
            Claim(
                id=cid,
                article_id=article.id,
                text=sentence.text,
                claimant=claimant,
                claimant_type="person" if claimant else "unattributed",
                attribution_verb=verb,
                is_quote='"' in sentence.text or "«" in sentence.text,
                numbers=numbers,
                checkworthiness=min(1.0, 0.4 + 0.3 * bool(numbers) + 0.3 * bool(verb)),
                sentence_index=sentence.index,
                cluster_id=stable_id(normalize(sentence.text)),
                published_at=article.published_at,
                source=article.source,
                url=article.url,
            )
        )
    return claims
