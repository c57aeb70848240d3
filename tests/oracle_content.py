"""Hypothesis strategies for content an editor could write: trial files as YAML text, many of
which `check` accepts (a property test keeps those) and some of which it refuses.

The text is what breaks page addresses, feeds and exports: long names, names that are almost
empty, combining marks, right-to-left scripts, emoji, full-width forms, names that differ only in
case, punctuation or accents (which share a page), names that cut to the same prefix (which must
not), many terms on one trial and very long lists.
"""

from __future__ import annotations

from hypothesis import strategies as st

from trialsite.model import INTERVENTION_TYPES, PHASES, SEXES, STATUSES
from trialsite.yamlio import dump

# Characters from the scripts and forms that trouble slugs and markup, and the ASCII that
# trouble markup and URLs.
ALPHABET = st.one_of(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Cf", "Co", "Cn")),
    st.sampled_from(list(
        "aé e\u0301\u0308ñÅ ß İ ø"  # Latin, accents precomposed and combining
        "مرض السكري עברית"  # right-to-left
        "胆管癌 新冠 肺炎 ＡＢＣ１２－"  # CJK and full-width forms
        "😀😷🧬👩‍⚕️"  # emoji, one with a zero-width joiner (refused by check)
        "क का कि"  # Devanagari, whose vowel signs are marks
        "<>&\"'/\\?#%{}[]:-_.,;|!*`~$@^= "  # markup, URL and YAML punctuation
    )),
)
WORDS = st.text(ALPHABET, min_size=1, max_size=30)
# Long names by repetition: cheap to draw, and as long as a registry's staged condition or longer.
LONG = st.builds(lambda words, times: " ".join([words] * times), WORDS, st.integers(10, 60))
# Names that share a page (they differ in case, punctuation, accents or width) and names that
# share a long prefix but not a page.
STEM = "Cholangiocarcinoma stage IV after progression on gemcitabine and cisplatin " * 4
SAME_PAGE = ["Café Über", "cafe-uber", "CAFÉ  ÜBER!", "Ｃａｆé Über", "COVID-19", "Covid19", "covid 19"]
NAME = st.one_of(
    WORDS,
    LONG,
    st.sampled_from(SAME_PAGE),
    st.builds(lambda tail: STEM + tail, WORDS),
    st.sampled_from([" ", "-", "…", "😀", "'", "0", "_", "Not stated", "page", "index.html", ".."]),
)
TEXT = st.one_of(WORDS, LONG, st.sampled_from(["<script>alert(1)</script>", "{{ x }}", "[a](javascript:x)"]))
# Well-formed dates that are no real day still pass check: lists and feeds must not choke on them.
DATE = st.one_of(
    st.dates().map(lambda day: day.isoformat()),
    st.sampled_from(["0000-00-00", "2024-02-30", "9999-12-31", "2024-13-45"]),
)
NCT = st.sampled_from([None, "NCT00000001", "NCT00000002"])  # duplicates included
AGE = st.one_of(st.none(), st.builds(lambda n, unit: f"{n} {unit}", st.integers(0, 10**6),
                                     st.sampled_from(["Years", "Months", "Days", "Hours"])))


# Many distinct names, cheap to draw: for the very long lists.
NUMBERED = st.builds(lambda stem, number: f"{stem} {number}", st.sampled_from([*SAME_PAGE, "胆管癌", "مرض", STEM]),
                     st.integers(0, 10**6))


def lists(element: st.SearchStrategy, most: int = 8) -> st.SearchStrategy:
    """Short lists usually; now and then a very long one."""
    return st.one_of(st.lists(element, max_size=most), st.lists(NUMBERED, min_size=100, max_size=300))


def _outcome() -> st.SearchStrategy:
    return st.fixed_dictionaries(
        {"measure": TEXT, "description": st.none() | TEXT, "time_frame": st.none() | TEXT}
    )


@st.composite
def trial_records(draw: st.DrawFn) -> dict:
    conditions = draw(lists(NAME, 20))
    headings = draw(st.dictionaries(st.sampled_from(conditions), NAME, max_size=4)) if conditions else {}
    return {
        "title": draw(st.one_of(TEXT, st.sampled_from(SAME_PAGE))),
        "nct_id": draw(NCT),
        "phase": draw(st.none() | st.sampled_from(PHASES)),
        "status": draw(st.none() | st.sampled_from(STATUSES)),
        "conditions": conditions,
        "condition_headings": headings,
        "keywords": draw(lists(NAME)),
        "interventions": draw(lists(st.fixed_dictionaries(
            {"type": st.sampled_from(INTERVENTION_TYPES), "name": NAME}), 4)),
        "drugs": draw(lists(NAME, 20)),
        "enrollment": draw(st.none() | st.integers(0, 10**30)),
        "sponsor": draw(st.none() | NAME),
        "sex": draw(st.none() | st.sampled_from(SEXES)),
        "min_age": draw(AGE),
        "max_age": draw(AGE),
        "eligibility": {"inclusion": draw(lists(TEXT)), "exclusion": draw(lists(TEXT))},
        "outcomes": {key: draw(st.lists(_outcome(), max_size=3)) for key in ("primary", "secondary", "other")},
        "summary": draw(st.none() | TEXT),
        "description": draw(st.none() | TEXT),
        "design": {"allocation": None, "arms": draw(st.none() | st.integers(1, 10**9)), "masking": None,
                   "centres": None},
        "locations": draw(lists(NAME)),
        "dates": draw(st.lists(st.fixed_dictionaries({"label": WORDS, "date": DATE}), max_size=4)),
        "source": {"file": draw(WORDS), "sha256": "0" * 64, "layout": "unknown"},
        "review": draw(st.lists(TEXT, max_size=2)),
    }


FILE_NAME = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,99}", fullmatch=True)


@st.composite
def catalogues(draw: st.DrawFn, most: int = 4) -> dict[str, str]:
    """Trial file name -> YAML text, for one to `most` trials."""
    names = draw(st.lists(FILE_NAME, min_size=1, max_size=most, unique=True))
    return {name: dump(draw(trial_records())) for name in names}
