from __future__ import annotations

from datetime import UTC, datetime

from indexer.extract import extract_claims
from indexer.models import Article


def test_boilerplate_lines_are_not_claims() -> None:
    body = "\n".join(
        [
            "وقال وزير المالية إن الإيرادات بلغت 29.5 مليون ريال في العام الماضي.",
            "رابط الخبر بصحيفة الوئام: 29.5 مليون ريال صافي فائض الغرفة في 2014",
            "* التقييم:( 5 نجوم *****)",
            "العنوان: Address: 13 Old Town، London SW4 0JT",
        ]
    )
    article = Article(
        id="boiler", title="t", body=body, published_at=datetime(2015, 7, 1, tzinfo=UTC)
    )
    claims = extract_claims(article)
    assert [c.claimant for c in claims] == ["وزير المالية"]
    assert claims[0].numbers[0].value == 29_500_000
