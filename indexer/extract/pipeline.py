"""Article -> claims: sentences, attribution (with pronoun resolution), numbers, entities, dates,
a check-worthiness score, the claim decision and a cross-article ``cluster_id``.

A sentence becomes a claim when it is not a question/too short and it is attributed, or carries a
quantity and scores >= 0.2, or the learned scorer alone says >= 0.5. ``checkworthiness`` blends the
scorer (70%) with the rule cues (number 15%, attribution 15%).
"""

from __future__ import annotations

import re

from indexer.extract.attribution import AttributionContext, find_attribution, register_known_names
from indexer.extract.checkworthiness import checkworthiness
from indexer.extract.cluster import cluster_id
from indexer.extract.dates import find_dates
from indexer.extract.entities import find_entities, known_names
from indexer.extract.numbers import extract_numbers
from indexer.models import Article, Claim, stable_id
from indexer.text.clean import clean_body
from indexer.text.normalize import normalize
from indexer.text.sentences import split_sentences

register_known_names(known_names())
_QUESTION = re.compile(r"[?؟]\s*[\"»”']?\s*$")
_BYLINE = re.compile(
    r"^\W*(?:المصدر|مصدر|تحرير|كتب|بقلم|اقرأ|اقرأ أيضا|تابعونا|شاهد|الصورة|صورة|فيديو|رابط|رابط الخبر"
    r"(?:\s+\S+){0,2}|العنوان|التقييم|للمزيد|لمزيد من المعلومات|للتواصل|الهاتف|جوال|هاتف|البريد)\s*[:：]"
    r"|^(?:https?://|www\.)|^\W*اضغط هنا"
)
_MIN_WORDS = 4
_QUOTED = re.compile(r"[\"«“][^\"»”]{8,}[\"»”]")


def prepare_article(article: Article) -> Article:
    """The article with its body cleaned (HTML, control chars, repeated paragraphs)."""
    return article.model_copy(update={"body": clean_body(article.body)})


def claim_id(article_id: str, sentence: str) -> str:
    return stable_id(article_id, normalize(sentence))


def extract_claims(article: Article) -> list[Claim]:
    """The claims of a raw article (its body is cleaned first)."""
    return claims_of_prepared(prepare_article(article))


def claims_of_prepared(article: Article) -> list[Claim]:
    """The claims of an article whose body ``prepare_article`` already cleaned (bulk indexing
    needs the cleaned article for its own document too: the body is cleaned once)."""
    claims: list[Claim] = []
    seen: set[str] = set()
    context = AttributionContext()
    for sentence in split_sentences(article.body):
        text = sentence.text
        att = context.resolve(find_attribution(text))
        key = normalize(text)
        cid = stable_id(article.id, key)
        if cid in seen:
            continue
        seen.add(cid)
        if len(text.split()) < _MIN_WORDS or _QUESTION.search(text) or _BYLINE.match(text):
            continue
        numbers = extract_numbers(text)
        quantities = [n for n in numbers if n.unit != "year"]
        norm = key
        score = checkworthiness(text, norm)
        attributed = att.verb is not None and att.claimant is not None
        if not (attributed or (quantities and score >= 0.2) or score >= 0.5):
            continue
        entities = find_entities(text, norm)
        cw = 0.7 * score + 0.15 * bool(quantities) + 0.15 * attributed
        claims.append(
            Claim(
                id=cid,
                article_id=article.id,
                text=text,
                claimant=att.claimant,
                claimant_type=att.claimant_type if att.claimant else "unattributed",
                attribution_verb=att.verb,
                is_quote=bool(_QUOTED.search(text)),
                numbers=numbers,
                people=entities.people,
                organizations=entities.organizations,
                places=entities.places,
                dates=find_dates(text, article.published_at),
                checkworthiness=round(min(1.0, cw), 4),
                sentence_index=sentence.index,
                cluster_id=cluster_id(text, numbers, norm),
                published_at=article.published_at,
                source=article.source,
                url=article.url,
            )
        )
    return claims
