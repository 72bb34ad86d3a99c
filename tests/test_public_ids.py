"""common.ids.new_public_id: opaque ids that use the whole alphabet at every position."""

from __future__ import annotations

import pytest

from credstack.common.ids import _ALPHABET, new_public_id


def test_an_id_is_the_prefix_and_twenty_characters_of_the_alphabet() -> None:
    public_id = new_public_id("awd")
    prefix, _, body = public_id.partition("_")
    assert prefix == "awd"
    assert len(body) == 20
    assert set(body) <= set(_ALPHABET)


def test_every_character_of_the_alphabet_turns_up_at_every_position() -> None:
    # 2,000 ids: a position missing one of 32 characters has odds of about 32 * e^-62.
    ids = [new_public_id("x")[2:] for _ in range(2000)]
    for position in range(20):
        assert {public_id[position] for public_id in ids} == set(_ALPHABET)


def test_it_refuses_a_prefix_that_is_not_alphanumeric() -> None:
    with pytest.raises(ValueError):
        new_public_id("a-b")
