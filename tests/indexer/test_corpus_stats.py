"""BM25 term lists of claim documents (``indexer.corpus_stats.claim_terms``)."""

from __future__ import annotations

from indexer.corpus_stats import claim_terms, title_terms
from indexer.documents import claim_document
from indexer.extract import extract_claims
from indexer.models import Article
from indexer.text.stem import stem_text

ARTICLE = Article(
    id="a-1",
    title="وزير الصحة: ارتفاع عدد المصابين بالإنفلونزا",
    body=(
        "قال وزير الصحة إن عدد المصابين بالإنفلونزا ارتفع إلى 120 حالة خلال الأسبوع الماضي. "
        "وأضاف أن الوزارة خصصت 15 مليون ريال لمواجهة المرض في المستشفيات الحكومية."
    ),
    source="test",
)


def test_terms_of_built_documents_are_the_stems_of_text_and_title() -> None:
    docs = [claim_document(c, ARTICLE.title) for c in extract_claims(ARTICLE)]
    assert docs
    for doc in docs:
        title = doc.get("title") or ""
        assert claim_terms(doc) == stem_text(f"{doc['text']}\n{title}").split()


def test_the_stored_text_stem_is_reused() -> None:
    # what was added to the statistics when the claim was indexed is what a replacement removes
    doc = {"text": "قال الوزير", "text_stem": "stored stems", "title": "المستشفيات"}
    assert claim_terms(doc) == ["stored", "stems", *title_terms("المستشفيات")]
    assert title_terms("المستشفيات") == tuple(stem_text("المستشفيات").split())


def test_without_a_stored_stem_the_text_is_stemmed() -> None:
    assert claim_terms({"text": "بالمستشفيات الحكومية"}) == stem_text("بالمستشفيات الحكومية").split()
    assert claim_terms({"text": "", "title": None}) == []
