"""The drugs a page's prose gives as the trial's treatment, for layouts with no interventions field.

A drug counts when the vocabularies know its name (DrugBank's table holds medicines only, never a
class such as "antibodies"), when it is a code name ('TMC114', 'ABC-1234') or the page calls it
the study drug ('an experimental drug called AAV2CUhCLN2'), or when it is a named vaccine ('Omicron
COVID-19 Vaccine'). A mention is left out when its sentence does not give the drug:
- what an 'on ...' phrase names is measured or background ('effects of kava on ... cortisol',
  'patients on methadone');
- a sentence that opens by defining a name ('Cortisol is a hormone ...') gives nothing;
- a name that modifies another word ('paclitaxel-resistant', 'platinum-based') is history;
- a name after 'prior', 'previously', 'refractory to' ... is prior therapy.
"""

from __future__ import annotations

import re

from .drugs import DrugFindings, DrugIndex

_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-/]*[A-Za-z0-9]|[A-Za-z0-9]")
_MAX_NAME_WORDS = 5
# A code name: letters then at least three digits ('TMC114', 'MK-3475', 'LY3819253'); fewer digits
# are mostly viruses, genes and receptors (HIV-1, COVID-19, IL-6, CD20). Never a registry id.
_CODE = re.compile(r"(?!NCT\d)[A-Z]{1,6}-?\d{3,7}[A-Z]?")
_STUDY_DRUG = {"drug", "agent", "product", "compound", "medicine", "medication", "vector", "vaccine"}
_NAMING = {"called", "named", "designated"}
_MODIFIER = re.compile(
    r"-(?:resistant|refractory|naive|naïve|pretreated|experienced|induced|related|associated|containing|"
    r"based|exposed|intolerant|sensitive|free|treated)$",
    re.IGNORECASE,
)
_PRIOR = {"prior", "previous", "previously", "failed", "failure", "refractory", "resistant", "intolerant",
          "intolerance", "allergy", "allergic", "except", "excluding", "history"}
_PRIOR_WINDOW = 4
# Words that end an 'on ...' phrase (prepositions, conjunctions, verbs): what follows is again
# the sentence's own business.
_PHRASE_END = {"in", "for", "among", "during", "with", "versus", "vs", "compared", "than", "while", "whereas",
               "but", "by", "using", "who", "which", "that", "to", "will", "would", "shall", "can", "may",
               "must", "is", "are", "was", "were", "be", "receive", "received", "receiving", "given"}
_FUNCTION = {"of", "the", "a", "an", "and", "or", "with", "no", "to", "for", "in", "on", "history"}


def treatment_drugs(text: str, index: DrugIndex) -> list[str]:
    """The drugs `text` gives as the treatment, in order of first mention."""
    findings = DrugFindings()
    for sentence in _SENTENCE.split(text):
        words = _WORD.findall(sentence)
        i = 0
        while i < len(words):
            size, names = _name_at(words, i, index)
            if names and _gives(words, i, size):
                findings.add(names)
            i += size
    return findings.drugs


def _name_at(words: list[str], i: int, index: DrugIndex) -> tuple[int, tuple[str, ...]]:
    """The longest drug name starting at word i (how many words it spans, its drugs)."""
    for size in range(min(_MAX_NAME_WORDS, len(words) - i), 0, -1):
        phrase = " ".join(words[i : i + size])
        found = index.lookup(phrase) if _could_be_drug(phrase) else None
        if found:
            return size, found
    word = words[i]
    if _MODIFIER.search(word):
        return 1, ()
    if "/" in word:  # 'TMC114/RTV', 'lamivudine/abacavir': each part on its own
        return 1, tuple(name for part in word.split("/") for name in _single(part, index))
    if word.casefold() == "vaccine":
        return 1, _vaccine(words, i)
    if _CODE.fullmatch(word) or (any(ch.isdigit() for ch in word) and _named_study_drug(words, i)):
        return 1, (word,)
    return 1, ()


def _single(part: str, index: DrugIndex) -> tuple[str, ...]:
    if _could_be_drug(part) and (found := index.lookup(part)):
        return found
    return (part,) if _CODE.fullmatch(part) else ()


def _named_study_drug(words: list[str], i: int) -> bool:
    """'an experimental drug called X', 'the study drug X', 'investigational product X'."""
    before = [w.casefold() for w in words[max(0, i - 2) : i]]
    if before and before[-1] in _NAMING:
        before = [w.casefold() for w in words[max(0, i - 3) : i - 1]]
    return bool(before) and before[-1] in _STUDY_DRUG


def _vaccine(words: list[str], i: int) -> tuple[str, ...]:
    """'Omicron COVID-19 Vaccine' -> 'omicron covid-19 vaccine': the name-like words before it."""
    start = i
    while start > 0 and i - start < 3 and _name_like(words[start - 1]):
        start -= 1
    return (" ".join(words[start : i + 1]).lower(),) if start < i else ()


def _name_like(word: str) -> bool:
    return word.casefold() not in _FUNCTION and (word[:1].isupper() or any(ch.isdigit() for ch in word))


def _gives(words: list[str], i: int, size: int) -> bool:
    """Whether the sentence gives the drug named by words[i : i + size] (see the module doc)."""
    folded = [w.casefold() for w in words]
    if any(w in _PRIOR for w in folded[max(0, i - _PRIOR_WINDOW) : i]):
        return False
    start = 1 if folded[:1] == ["the"] else 0
    if i == start and folded[i + size : i + size + 2] in (["is", "a"], ["is", "an"], ["are", "a"]):
        return False
    for word in reversed(folded[:i]):
        if word in _PHRASE_END:
            break
        if word == "on":
            return False
    return True


def _could_be_drug(phrase: str) -> bool:
    """Skip phrases DrugBank would only match by accident: short words, plain numbers."""
    return len(phrase) >= 3 and not phrase.replace("-", "").isdigit()
