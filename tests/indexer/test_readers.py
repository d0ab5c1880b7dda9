from __future__ import annotations

import gzip
import json
from pathlib import Path

from indexer.models import Article
from indexer.readers import ReadError, read_articles
from tests.conftest import SEEDS


def _items(path: Path) -> list[Article | ReadError]:
    return list(read_articles(path))


def test_txt_title_only_when_blank_line_follows(tmp_path: Path) -> None:
    seed = _items(SEEDS / "003_ac68457011d44b46.txt")[0]
    assert isinstance(seed, Article)
    assert seed.id == "003_ac68457011d44b46"
    assert seed.title.startswith("لافروف: 2000 مرتزق")
    no_title = _items(SEEDS / "000_d5d995d6a35c022e.txt")[0]
    assert isinstance(no_title, Article) and no_title.title == ""


def test_saudinewsnet_shape_and_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl.gz"
    lines = [
        json.dumps({"source": "aawsat", "url": "http://x/1", "date_extracted": "2015-07-21 02:51:32",
                    "title": "عنوان", "author": "كاتب", "content": "قال الوزير إن 5 أشخاص قتلوا."}),
        "{not json",
        json.dumps({"title": "no body"}),
        json.dumps({"id": "a-2", "title": "t", "body": "نص المقال", "published_at": "2020-10-27T10:00:00Z"}),
    ]
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    items = _items(path)
    articles = [i for i in items if isinstance(i, Article)]
    errors = [i for i in items if isinstance(i, ReadError)]
    assert [a.source for a in articles] == ["aawsat", None]
    assert articles[0].published_at is not None and articles[0].published_at.year == 2015
    assert len(articles[0].id) == 16  # stable hash of the url
    assert articles[1].id == "a-2"
    assert [(e.line, "invalid JSON" in e.message or "body" in e.message) for e in errors] == [(2, True), (3, True)]
    assert str(errors[0]).startswith(f"{path}:2:")


def test_unreadable_and_unsupported_files(tmp_path: Path) -> None:
    bad = tmp_path / "x.jsonl.gz"
    bad.write_bytes(b"not gzip")
    assert isinstance(_items(bad)[0], ReadError)
    other = tmp_path / "x.pdf"
    other.write_text("x")
    assert "unsupported" in str(_items(other)[0])
    empty = tmp_path / "e.json"
    empty.write_text("[]")
    assert _items(empty) == []
