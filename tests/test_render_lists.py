"""TrialLists: the catalogue's lists kept up to date one trial at a time must always equal the
lists made afresh from the same listings, and say exactly what an update touched."""

from __future__ import annotations

import random

from trialsite.model import Trial, blank
from trialsite.render.config import SiteConfig
from trialsite.render.listing import Listing, listing_of
from trialsite.render.pages import index_plans, indexable_routes
from trialsite.render.taxonomy import CONDITIONS, COUNTRIES, DRUGS, PHASES_TAXONOMY, STATUSES_TAXONOMY, TAXONOMIES
from trialsite.render.trial_lists import TrialLists, list_order

CONFIG = SiteConfig(title="Test", description="Testing.", base_url="/")
DRUG_NAMES = ["gemcitabine", "Gemcitabine", "cisplatin", "S-1", "pemigatinib", "FOLFOX"]
CONDITION_NAMES = ["Cholangiocarcinoma", "cholangiocarcinoma", "Biliary Tract Cancer", "Gallbladder Cancer"]
COUNTRY_NAMES = ["France", "france", "Spain", "United States"]


def listing(slug: str, **fields) -> Listing:
    record = blank(Trial) | {"title": "T", "source": {"file": "x.txt", "sha256": "0" * 64, "layout": "unknown"}}
    return listing_of(slug, Trial.model_validate(record | fields), None)


def random_listing(rng: random.Random, slug: str) -> Listing:
    return listing(
        slug,
        title=rng.choice(["Alpha trial", "alpha trial", "Beta study", "Gamma", "Delta"]),
        drugs=rng.sample(DRUG_NAMES, rng.randint(0, 3)),
        conditions=rng.sample(CONDITION_NAMES, rng.randint(0, 2)),
        phase=rng.choice([None, "Phase 1", "Phase 2", "Phase 3"]),
        status=rng.choice([None, "Recruiting", "Not yet recruiting", "Completed"]),
        sites=[{"country": country} for country in rng.sample(COUNTRY_NAMES, rng.randint(0, 2))],
    )


def view(lists: TrialLists) -> tuple:
    """Everything index pages are made from."""
    return (
        [item.slug for item in lists.ordered],
        {taxonomy.key: lists.terms(taxonomy) for taxonomy in TAXONOMIES},
        {slug: lists.title_shared(slug) for slug in lists.by_slug},
    )


def test_updates_one_trial_at_a_time_give_the_lists_made_afresh():
    rng = random.Random(5)
    current = {f"t{i}": random_listing(rng, f"t{i}") for i in range(30)}
    lists = TrialLists(current.values())
    for _ in range(300):
        slug = f"t{rng.randrange(40)}"
        new = None if rng.random() < 0.2 else random_listing(rng, slug)
        lists.update({slug: new})
        if new is None:
            current.pop(slug, None)
        else:
            current[slug] = new
        assert view(lists) == view(TrialLists(current.values()))


def test_a_term_whose_last_trial_leaves_is_gone():
    lists = TrialLists([listing("a", drugs=["pemigatinib"]), listing("b", drugs=["cisplatin"])])
    change = lists.update({"a": listing("a", drugs=["cisplatin"])})
    assert [term.name for term in lists.terms(DRUGS)] == ["cisplatin"]
    assert change.terms == {("drugs", "pemigatinib"), ("drugs", "cisplatin")} | {
        (taxonomy.key, "not-stated") for taxonomy in (CONDITIONS, PHASES_TAXONOMY, STATUSES_TAXONOMY, COUNTRIES)
    }
    assert change.members


def test_an_edit_to_details_no_list_shows_touches_nothing():
    lists = TrialLists([listing("a", drugs=["cisplatin"], locations=["Leeds"])])
    change = lists.update({"a": listing("a", drugs=["cisplatin"], locations=["York"])})
    assert not change.listed and not change.terms and not change.members


def test_a_new_title_touches_the_trials_lists_but_not_their_members():
    lists = TrialLists([listing("a", title="Alpha", drugs=["cisplatin"]), listing("b", title="Beta")])
    change = lists.update({"a": listing("a", title="Zeta", drugs=["cisplatin"])})
    assert change.listed and not change.members
    assert ("drugs", "cisplatin") in change.terms and ("drugs", "not-stated") not in change.terms
    assert [item.slug for item in lists.ordered] == ["b", "a"]


def test_titles_that_differ_only_in_case_are_shared_until_one_changes():
    lists = TrialLists([listing("a", title="Alpha"), listing("b", title="ALPHA")])
    assert lists.title_shared("a") and lists.title_shared("b")
    change = lists.update({"b": listing("b", title="Beta")})
    assert not lists.title_shared("a")
    assert change.titles == {"alpha", "beta"}


def test_lists_show_recruiting_trials_first_then_not_yet_recruiting_then_the_rest():
    lists = TrialLists(
        [
            listing("a", title="A", status="Completed"),
            listing("b", title="B", status="Not yet recruiting"),
            listing("c", title="C"),
            listing("d", title="D", status="Recruiting"),
        ]
    )
    assert [item.slug for item in lists.ordered] == ["d", "b", "a", "c"]
    lists.update({"a": listing("a", title="A", status="Recruiting")})
    assert [item.slug for item in lists.ordered] == ["a", "d", "b", "c"]


def test_a_trial_whose_sites_name_no_country_is_under_location_not_stated():
    lists = TrialLists([listing("a", sites=[{"city": "Paris"}], locations=["Lyon, France"]), listing("b")])
    (term,) = lists.terms(COUNTRIES)
    assert (term.name, term.slug, term.trials) == ("Location not stated", "not-stated", 2)


def test_countries_are_counted_once_per_trial_and_spellings_share_a_term():
    sites = [{"city": "Paris", "country": "France"}, {"city": "Lyon", "country": "France"}]
    lists = TrialLists([listing("a", sites=sites), listing("b", sites=[{"country": "france"}]), listing("c")])
    assert [(term.name, term.trials) for term in lists.terms(COUNTRIES)] == [("France", 2), ("Location not stated", 1)]


def test_list_order_is_by_title_then_file_name():
    lists = TrialLists([listing("b", title="same"), listing("a", title="Same"), listing("c", title="Earlier")])
    assert [item.slug for item in lists.ordered] == ["c", "a", "b"]
    assert lists.ordered == sorted(lists.ordered, key=list_order)


def test_the_sitemap_lists_every_indexable_page_and_every_trial():
    rng = random.Random(2)
    lists = TrialLists(random_listing(rng, f"t{i}") for i in range(250))
    planned = [plan.route for plan in index_plans(lists, {}, CONFIG) if plan.indexable]
    assert indexable_routes(lists) == sorted(planned + [f"trials/t{i}/" for i in range(250)])


def test_conditions_naming_one_heading_meet_on_one_page_under_the_usual_spelling():
    """Two trials write 'Covid19' and 'COVID-19'; extraction filed both under MeSH's COVID-19."""
    lists = TrialLists([
        listing("a", conditions=["Covid19"], condition_headings={"Covid19": "COVID-19"}),
        listing("b", conditions=["COVID-19"], condition_headings={"COVID-19": "COVID-19"}),
        listing("c", conditions=["COVID-19"], condition_headings={"COVID-19": "COVID-19"}),
    ])
    (term,) = lists.terms(CONDITIONS)
    assert (term.name, term.slug, term.trials) == ("COVID-19", "covid-19", 3)
    assert lists.by_slug["a"].terms["conditions"][0].name == "Covid19"
    assert lists.by_slug["a"].terms["conditions"][0].route == term.route


def test_a_condition_without_a_heading_is_filed_under_its_own_name():
    lists = TrialLists([listing("a", conditions=["Older People"]), listing("b", conditions=["older people"])])
    (term,) = lists.terms(CONDITIONS)
    assert (term.slug, term.trials) == ("older-people", 2)
