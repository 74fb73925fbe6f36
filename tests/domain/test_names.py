"""Name normalization: spelling-insensitive keys and romanization skeletons."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.names import loose, normalize, word_keys


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Kim Hee-won", "Kim Hee Won"),
        ("KIM HEE-WON", "kimheewon"),
        ("Kím Hée-wón", "Kim Hee-won"),
        ("Soundtrack #1", "soundtrack 1"),
        ("한소희", " 한 소-희 "),
    ],
)
def test_spellings_that_differ_only_in_case_accents_and_punctuation_share_a_key(a, b):
    assert normalize(a) == normalize(b)


def test_hangul_survives_normalization_whole():
    assert normalize("한소희") == "한소희"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Han Sun-woo", "Han Seon-woo"),
        ("Lee Eun-soo", "Lee Eun-so"),
        ("Park Hyung-sik", "Park Hyeong-sik"),
        ("Han Sun-woo", "Han Sun-u"),
        ("Gim", "Kim"),
    ],
)
def test_romanization_variants_share_a_skeleton(a, b):
    assert loose(normalize(a)) == loose(normalize(b))


def test_different_names_keep_different_skeletons():
    assert loose(normalize("Han So-hee")) != loose(normalize("Han Sun-woo"))


def test_word_keys_start_at_each_word_and_each_hangul_syllable():
    assert word_keys("Han Sun-woo") == [(0, "hansunwoo"), (1, "sunwoo"), (2, "woo")]
    assert [key for _, key in word_keys("한소희")] == ["한소희", "소희", "희"]


@given(st.text())
def test_normalize_is_idempotent_and_keeps_only_letters_and_digits(text):
    key = normalize(text)
    assert normalize(key) == key
    assert all(c.isalnum() for c in key)
