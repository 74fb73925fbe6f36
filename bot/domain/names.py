"""Name normalization for search: one spelling-insensitive key per name.

Members type names the way they remember them: "kim hee won", "Kim Hee-won", "SEON-WOO",
"한소희". ``normalize`` folds case, accents, hyphens, spaces and punctuation away;
``loose`` further folds the usual Korean romanization variants (Sun-woo / Seon-woo,
Eun-soo / Eun-so, Hyung / Hyeong, g / k, b / p ...) into one skeleton, so a variant no
source spelled out can still be found, ranked below the spellings that were.
"""

from __future__ import annotations

import re
import unicodedata

# Glides belong to the vowel: 우 is u or woo, 영 is young or yeong, 형 hyung or hyeong.
_VOWEL_RUN = re.compile(r"[aeiouwy]+")
# Consonants that romanizations swap freely: 가 is ga or ka, 부 bu or pu, 동 dong or tong.
_CONSONANTS = str.maketrans({"g": "k", "b": "p", "d": "t", "r": "l", "f": "p", "v": "p"})
_DIGRAPHS = (("ch", "j"), ("sh", "s"), ("ph", "p"), ("kk", "k"), ("tt", "t"), ("pp", "p"))


def _is_hangul(char: str) -> bool:
    return (
        "\uac00" <= char <= "\ud7a3" or "\u1100" <= char <= "\u11ff" or "\u3130" <= char <= "\u318f"
    )


def _fold(text: str) -> str:
    """Casefold and strip accents, keeping Hangul syllables whole."""
    # Compatibility forms first (𝑨 → A), so casefolding sees plain letters.
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    # NFKD splits Hangul syllables into jamo; NFC puts them back together.
    return unicodedata.normalize("NFC", stripped)


def normalize(text: str) -> str:
    """The search key of a name: casefolded, accent-free, letters and digits only."""
    return "".join(c for c in _fold(text) if c.isalnum())


def loose(normalized: str) -> str:
    """Fold romanization variants of an already normalized key into one skeleton.

    Every run of vowels and glides becomes ``a`` (seon / sun, soo / so, woo / u), common
    consonant pairs merge. Only Latin letters change; Hangul and digits stay.
    """
    text = normalized
    for digraph, single in _DIGRAPHS:
        text = text.replace(digraph, single)
    text = text.translate(_CONSONANTS)
    return _VOWEL_RUN.sub("a", text)


def word_keys(text: str) -> list[tuple[int, str]]:
    """Every suffix of the normalized name that starts a word, with its position.

    "Han Sun-woo" gives (0, "hansunwoo"), (1, "sunwoo"), (2, "woo"), so a short prefix
    like "su" finds it. Hangul names are rarely spaced ("한소희"), so each syllable
    starts a key there: "소희" finds 한소희.
    """
    folded = _fold(text)
    starts: list[int] = []
    position = 0
    previous_alnum = False
    for char in folded:
        if char.isalnum():
            if not previous_alnum or _is_hangul(char):
                starts.append(position)
            position += 1
            previous_alnum = True
        else:
            previous_alnum = False
    key = normalize(text)
    seen: set[str] = set()
    keys: list[tuple[int, str]] = []
    for index, start in enumerate(starts):
        suffix = key[start:]
        if suffix and suffix not in seen:
            seen.add(suffix)
            keys.append((index, suffix))
    return keys
