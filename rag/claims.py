"""The checkable specifics of a sentence: its numbers (amounts, percentages, dates) and names.

Numbers compare by value after normalisation, so "159.710", "159,710" and "159710" match,
as do "7%" and "7 procent", and "2,5 miljoen" and "2.500.000". Names compare case-blind as
word beginnings, so "Metalektro" is found in "Metalektro-bedrijven".
"""

import re
from decimal import Decimal, InvalidOperation

_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?![\w])")
_SCALE = re.compile(r"\s*(miljoen|million|miljard|billion|duizend|thousand|mln|mld)\b", re.I)
_SCALES = {
    "miljoen": 6,
    "million": 6,
    "mln": 6,
    "miljard": 9,
    "billion": 9,
    "mld": 9,
    "duizend": 3,
    "thousand": 3,
}
_NAME = re.compile(r"(?<![\w-])[A-ZÀ-Ý][\w&'-]*")
_ACRONYM = re.compile(r"^[A-ZÀ-Ý][\w&'-]*[A-Z0-9]|^[A-Z][a-z]+[A-Z]")
# Capitalised English words whose Dutch source text spells them otherwise (the prefix to find).
_ENGLISH = {
    "dutch": "nederland",
    "netherlands": "nederland",
    "europe": "europ",
    "european": "europ",
    "january": "januari",
    "february": "februari",
    "march": "maart",
    "april": "april",
    "may": "mei",
    "june": "juni",
    "july": "juli",
    "august": "augustus",
    "september": "september",
    "october": "oktober",
    "november": "november",
    "december": "december",
}


def number_values(text: str) -> list[set[str]]:
    """Each number in `text` as the set of values it may stand for (a scale word multiplies)."""
    return [values for _, values in _numbers(text)]


def _numbers(text: str) -> list[tuple[str, set[str]]]:
    found = []
    for match in _NUMBER.finditer(text):
        value = _value(match.group(0))
        if value is None:
            continue
        values = {_canonical(value)}
        scale = _SCALE.match(text, match.end())
        if scale:
            values.add(_canonical(value.scaleb(_SCALES[scale.group(1).lower()])))
        found.append((match.group(0), values))
    return found


def _value(token: str) -> Decimal | None:
    """The value of a number as written: "1.350" and "1,350" are thousands, "7,5" a decimal."""
    groups = re.split(r"[.,]", token)
    if len(groups) > 1 and all(len(g) == 3 for g in groups[1:]):
        digits = "".join(groups)
    elif len(groups) == 2:
        digits = f"{groups[0]}.{groups[1]}"
    else:
        digits = "".join(groups)
    try:
        return Decimal(digits)
    except InvalidOperation:
        return None


def _canonical(value: Decimal) -> str:
    return format(value.normalize(), "f")


def missing_numbers(claim: str, source: str) -> list[str]:
    """The numbers of `claim` that `source` does not hold (by value), as written in the claim."""
    present = set().union(*number_values(source))
    return [written for written, values in _numbers(claim) if not values & present]


def names(claim: str) -> list[str]:
    """Proper names in a sentence: capitalised words after its first word, and acronyms or
    CamelCase words anywhere (a first word is capitalised anyway)."""
    found = []
    for match in _NAME.finditer(claim):
        word = match.group(0).rstrip("'-")
        first = not claim[: match.start()].strip(" \"'“‘(")
        if len(word) > 1 and (not first or _ACRONYM.match(word)):
            found.append(word)
    return found


def missing_names(claim: str, source: str) -> list[str]:
    """The names of `claim` that `source` does not mention (case-blind, as a word beginning)."""
    lowered = source.lower()
    missing = []
    for name in names(claim):
        key = name.lower()
        stems = {key, _ENGLISH.get(key, key), key.removesuffix("'s")}
        if not any(re.search(r"(?<!\w)" + re.escape(stem), lowered) for stem in stems):
            missing.append(name)
    return missing
