"""Text normalisation for matching quotes: case, whitespace, quote marks, number formats."""

import re
import unicodedata

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"'})
_THOUSANDS = re.compile(r"(?<=\d)[.,](?=\d{3}(?!\d))")
_DECIMAL = re.compile(r"(?<=\d),(?=\d)")


def normalise(text: str) -> str:
    """Fold case, whitespace, quote characters and number formats for robust matching.

    "159.710", "159,710" and "159710" become the same; a decimal comma becomes a point,
    so "1,3" stays distinct from "13".
    """
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()
    text = _THOUSANDS.sub("", text)
    text = _DECIMAL.sub(".", text)
    return re.sub(r"\s+", " ", text).strip()
