"""Telling conditions from keywords in term lists that mix them."""

from __future__ import annotations

import re

# Condition names end this way; used where a page lists conditions and keywords together.
_DISEASE = re.compile(
    r"(?:cancer|carcinoma|tumou?r|neoplasms?|omas?|leuka?emia|disease|syndrome|disorder|infection|"
    r"itis|failure|diabetes|sclerosis|metastas[ie]s|dysplasia|insufficiency)\b",
    re.IGNORECASE,
)
# Registries accept these as "conditions", but they name no condition a patient has.
_NOT_A_CONDITION = re.compile(
    r"^(?:biomarkers?|immunotherapy|chemotherapy|radiotherapy|surgery|quality of life|drug therapy)$",
    re.IGNORECASE,
)


def split_registered(terms: list[str]) -> tuple[list[str], list[str]]:
    """A registry's condition list: all conditions, bar terms that name none (-> keywords)."""
    return [t for t in terms if not _NOT_A_CONDITION.match(t)], [t for t in terms if _NOT_A_CONDITION.match(t)]


def split_mixed(terms: list[str]) -> tuple[list[str], list[str]]:
    """A list of conditions and keywords together: only disease names are conditions."""
    return [t for t in terms if _DISEASE.search(t)], [t for t in terms if not _DISEASE.search(t)]
