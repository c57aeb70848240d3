"""Conditions: which listed terms are conditions, which conditions a title names, and the MeSH
heading each one stands for, through MeSH's disease and mental-disorder descriptors with their
entry terms (`trialsite/vocabularies/conditions.tsv`, read on first use: only extraction needs it).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

# Registries accept these as "conditions", but they name no condition a patient has.
_NOT_A_CONDITION = re.compile(
    r"^(?:biomarkers?|immunotherapy|chemotherapy|radiotherapy|surgery|quality of life|drug therapy)$",
    re.IGNORECASE,
)
_TABLE = Path(__file__).parent.parent / "vocabularies" / "conditions.tsv"
_WORD = re.compile(r"\w+(?:['\u2019-]\w+)*")  # an apostrophe (straight or U+2019) or hyphen inside a word
_TRAILING_ACRONYM = re.compile(r"\s*\([^()]*\)$")
# A name this short is an acronym ("AIDS", "GERD") when it names a condition; written any other
# way inside a sentence it is an everyday word ("hearing aids").
_ACRONYM_LENGTH = 4
_MAX_WORDS = 10
# A condition's name before one of these names a place, not the trial's condition ("recruited in
# sexually transmitted disease (STD) clinics").
_PLACE_AFTER = re.compile(
    r"(?:\s*\([^()]*\))?\s+(?:clinics?|cent(?:er|re)s?|hospitals?|wards?|units?)\b", re.IGNORECASE
)


@lru_cache(maxsize=1)
def _headings() -> dict[str, str]:
    """Key of every heading and entry term -> its MeSH heading."""
    table = _TABLE.read_text("utf-8")
    headings: dict[str, str] = {}
    for line in table.splitlines():
        if line.startswith("#"):
            continue
        heading, _, terms = line.partition("\t")
        for term in (heading, *filter(None, terms.split("|"))):
            headings.setdefault(_key(term), heading)
    return headings


def _key(term: str) -> str:
    """Letters and digits only, lower case: 'Covid-19', 'COVID19' and 'covid 19' are one name."""
    return re.sub(r"[\W_]+", "", term.casefold())


def _known(phrase: str, key: str | None = None) -> str | None:
    """The heading a phrase found inside longer text names (`key`: its key, when known)."""
    key = key or _key(phrase)
    if len(key) <= _ACRONYM_LENGTH and not phrase.isupper():
        return None
    return _headings().get(key)


def heading_of(term: str) -> str | None:
    """The MeSH heading a condition is: the term itself in any spelling MeSH knows ('Caries,
    Dental', 'Covid19'), bar a trailing acronym ('Intrahepatic Cholangiocarcinoma (ICC)')."""
    return _headings().get(_key(_TRAILING_ACRONYM.sub("", term)))


def names_a_condition(term: str) -> bool:
    """The term is a condition, or its last words name one, as English puts the head of a phrase
    last ('Advanced Breast Cancer', 'Mild to Moderate COVID-19')."""
    term = _TRAILING_ACRONYM.sub("", term).strip()
    words = list(_WORD.finditer(term))
    return heading_of(term) is not None or any(_known(term[word.start() :]) for word in words[1:])


def headings_of(conditions: list[str]) -> dict[str, str]:
    """Each condition that is a MeSH heading in some spelling -> that heading, where synonyms
    meet. Only the whole term: 'Biliary Tract Carcinoma' is not filed under 'Carcinoma'."""
    return {condition: heading for condition in conditions if (heading := heading_of(condition))}


def split_registered(terms: list[str]) -> tuple[list[str], list[str]]:
    """A registry's condition list: all conditions, bar terms that name none (-> keywords)."""
    return [t for t in terms if not _NOT_A_CONDITION.match(t)], [t for t in terms if _NOT_A_CONDITION.match(t)]


def split_listed(terms: list[str]) -> tuple[list[str], list[str]]:
    """A list of the registry's conditions followed by its keywords (TrialX's "Study details").

    The first term is a condition: a registry record has at least one. The conditions go on while
    the vocabulary knows the next term as a condition and it does not repeat one before it in
    other spelling ('Covid19', then 'Covid-19': keywords often repeat the conditions). From the
    first other term on, all are keywords, even those that name a condition."""
    conditions = terms[:1]
    for term in terms[1:]:
        if not names_a_condition(term) or _key(term) in {_key(c) for c in conditions}:
            break
        conditions.append(term)
    return conditions, terms[len(conditions) :]


def named_in(text: str) -> list[str]:
    """The conditions a text names, as it writes them, in order; the longest name wins
    ('Postpartum Depression', not 'Depression')."""
    words = list(_WORD.finditer(text))
    keys = [_key(word.group()) for word in words]  # a phrase's key is its words' keys joined
    found: dict[str, str] = {}
    i = 0
    while i < len(words):
        for size in range(min(_MAX_WORDS, len(words) - i), 0, -1):
            end = words[i + size - 1].end()
            phrase, key = text[words[i].start() : end], "".join(keys[i : i + size])
            if _known(phrase, key):
                if not _PLACE_AFTER.match(text, end):
                    found.setdefault(key, phrase)
                i += size
                break
        else:
            i += 1
    return list(found.values())
