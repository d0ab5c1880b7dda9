from __future__ import annotations

import itertools

import orjson

from indexer.spool import DocumentSpool


def test_payloads_are_json_arrays_in_order_within_the_size_limit() -> None:
    docs = [{"id": f"d{i}", "text": "نص " * (i % 7)} for i in range(500)]
    with DocumentSpool() as spool:
        spool.add(docs[:200])
        spool.add(docs[200:])
        payloads = list(spool.payloads(max_bytes=2_000))
    assert len(payloads) > 5 and all(len(p) <= 2_000 for p in payloads)
    assert [d for p in payloads for d in orjson.loads(p)] == docs
    # each payload is as full as the limit allows: the next document would not have fitted
    for payload, following in itertools.pairwise(payloads):
        assert len(payload) + len(orjson.dumps(orjson.loads(following)[0])) + 1 > 2_000


def test_a_document_over_the_limit_is_a_payload_of_its_own() -> None:
    big = {"id": "big", "text": "x" * 5_000}
    with DocumentSpool() as spool:
        spool.add([{"id": "a"}, big, {"id": "b"}])
        payloads = [orjson.loads(p) for p in spool.payloads(max_bytes=1_000)]
    assert payloads == [[{"id": "a"}], [big], [{"id": "b"}]]


def test_an_empty_spool_has_no_payload() -> None:
    with DocumentSpool() as spool:
        assert list(spool.payloads()) == []
