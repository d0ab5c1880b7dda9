"""Relay global ids (api/graphql/ids.py)."""

from __future__ import annotations

import base64
import random

import pytest

from api.errors import BadUserInput
from api.graphql.ids import from_global, to_global


def test_global_ids_are_unpadded_urlsafe_base64_and_round_trip() -> None:
    rng = random.Random(2)
    alphabet = "abcXYZ019-_:/+?=~ قالوزير٣"
    for _ in range(500):
        plain = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
        gid = to_global("Claim", plain)
        assert gid == base64.urlsafe_b64encode(f"Claim:{plain}".encode()).decode().rstrip("=")
        assert "=" not in gid and "+" not in gid and "/" not in gid
        assert from_global(gid) == ("Claim", plain)


@pytest.mark.parametrize("bad", ["", "!!!", to_global("Claim", "")[:2], "Q2xhaW0"])
def test_bad_global_ids_are_bad_user_input(bad: str) -> None:
    with pytest.raises(BadUserInput):
        from_global(bad)
