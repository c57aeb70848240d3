#!/usr/bin/env python3
"""Write N synthetic trials of realistic size into OUT_DIR/content/trials/, plus the drug vocabulary.

    python bench/generate.py N OUT_DIR [--seed S] [--jobs J]

Each trial is a valid `Trial`, written with `trialsite.sync.render_trial`, so the files look
exactly like extracted ones. Trial i depends only on (seed, i): the output is the same for any
number of worker processes, and the first 1,000 trials of a 10,000-trial set are the 1,000-trial
set. Drugs follow a Zipf-like skew over ~400 names, conditions a milder one over ~300; phases
and statuses follow rough ClinicalTrials.gov proportions. Nothing comes from the network.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import itertools
import json
import math
import os
import random
import shutil
import sys
import time
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import words  # noqa: E402  (bench/words.py)
import yaml  # noqa: E402

from trialsite import sync, yamlio  # noqa: E402
from trialsite.content import load_record  # noqa: E402
from trialsite.model import Trial  # noqa: E402
from trialsite.sync import render_trial, slugify  # noqa: E402

GENERATOR_VERSION = 1  # bump when the output changes, so run.py's cache regenerates

# Rough shares among ClinicalTrials.gov drug trials; None = the record states no phase.
PHASE_WEIGHTS = {
    None: 15, "Early Phase 1": 2, "Phase 1": 17, "Phase 1/2": 8, "Phase 2": 30, "Phase 2/3": 3,
    "Phase 3": 13, "Phase 4": 7, "Not applicable": 5,
}
STATUS_WEIGHTS = {
    "Completed": 30, "Recruiting": 20, "Unknown status": 12, "Active, not recruiting": 8,
    "Terminated": 8, "Not yet recruiting": 7, "Withdrawn": 3, "Enrolling by invitation": 2,
    "Suspended": 1, "Available": 0.4, "No longer available": 0.4, "Approved for marketing": 0.2,
    "Temporarily not available": 0.1, "Withheld": 0.1, None: 3,
}
COMMA_COUNTRIES = ("Korea, Republic of",)  # registry country names with a comma in them
PHASE_WORDS = {
    None: "clinical", "Early Phase 1": "early phase I", "Phase 1": "phase I", "Phase 1/2": "phase I/II",
    "Phase 2": "phase II", "Phase 2/3": "phase II/III", "Phase 3": "phase III", "Phase 4": "phase IV",
    "Not applicable": "clinical",
}


def _cumulative(weights):
    return list(itertools.accumulate(weights))


class Pools:
    """Everything trial generation draws from, built once per process."""

    def __init__(self) -> None:
        self.drugs = words.drug_pool(400)
        self.drug_cum = _cumulative(1 / (rank + 1) ** 1.1 for rank in range(len(self.drugs)))
        self.conditions = words.condition_pool(300)
        self.condition_cum = _cumulative(1 / (rank + 1) ** 0.8 for rank in range(len(self.conditions)))
        self.sponsors = words.sponsor_pool()
        self.locations = words.location_pool()
        self.phases = list(PHASE_WEIGHTS)
        self.phase_cum = _cumulative(PHASE_WEIGHTS.values())
        self.statuses = list(STATUS_WEIGHTS)
        self.status_cum = _cumulative(STATUS_WEIGHTS.values())


_POOLS: Pools | None = None


def pools() -> Pools:
    global _POOLS
    if _POOLS is None:
        _POOLS = Pools()
    return _POOLS


def nct_number(index: int, seed: int) -> str:
    """A unique NCT id per index: an affine bijection on 0..7,999,999."""
    return f"NCT0{1_000_000 + ((index + seed * 1009) * 2_654_435_761) % 8_000_000}"


def _distinct(rng: random.Random, population, cum, k: int) -> list:
    chosen: list = []
    for _ in range(k * 4):
        item = rng.choices(population, cum_weights=cum)[0]
        if item not in chosen:
            chosen.append(item)
            if len(chosen) == k:
                break
    return chosen


def _title_name(drug: str) -> str:
    return drug if any(ch.isupper() for ch in drug) else drug[:1].upper() + drug[1:]


def _fit(text: str, low: int, high: int, tails: tuple[str, ...], rng: random.Random) -> str:
    while len(text) < low:
        text += rng.choice(tails)
    if len(text) > high:
        text = text[:high].rsplit(" ", 1)[0].rstrip(",;:-")
    return text


TITLE_TAILS = (" After Failure of First-Line Chemotherapy", " (the {acronym} Study)", " in Routine Clinical Practice",
               ": a Multicentre Randomized Trial", " With Biomarker-Guided Dose Adjustment", " in Elderly Patients")


def make_title(rng: random.Random, s: dict) -> str:
    template = rng.choice((
        "A {phase_title} Study of {Drug} {joiner} {Drug2} in Patients With {cond}",
        "{Drug} Versus {Drug2} as {line} Treatment for {cond}",
        "Efficacy and Safety of {Drug} in {cond}: a {design_title} Trial",
        "{Drug} {joiner} {Drug2} for {stage} {cond}",
        "Study of {Drug} in Participants With {cond} Who Progressed on {Drug2}",
        "{code}: a {phase_title} Trial of {Drug} for {line} {cond}",
    ))
    title = template.format(**s)
    tails = tuple(t.format(**s) for t in TITLE_TAILS)
    return _fit(title, rng.randint(60, 90), rng.randint(110, 160), tails, rng)


def _sentence(rng: random.Random, s: dict, used: set) -> str:
    template = rng.choice(words.SUMMARY_SENTENCES)
    for _ in range(3):  # a text rarely says the same thing twice
        if template not in used:
            break
        template = rng.choice(words.SUMMARY_SENTENCES)
    used.add(template)
    return template.format_map(s)


def _paragraph(rng: random.Random, s: dict, target: int, used: set) -> str:
    sentences: list[str] = []
    length = 0
    while length < target:
        sentence = _sentence(rng, s, used)
        sentences.append(sentence)
        length += len(sentence) + 1
    return " ".join(sentences)


def _bullets(rng: random.Random) -> str:
    return "\n".join(f"- {item}" for item in rng.sample(words.LIST_ITEMS, rng.randint(3, 6)))


def make_summary(rng: random.Random, s: dict) -> str:
    total = rng.randint(650, 2150)
    count = rng.randint(2, 4)
    used: set = set()
    parts = [_paragraph(rng, s, total // count, used) for _ in range(count)]
    if rng.random() < 0.25:
        parts.insert(rng.randint(1, len(parts)), "The study has the following periods:\n\n" + _bullets(rng))
    return "\n\n".join(parts)


def make_description(rng: random.Random, s: dict) -> str:
    total = rng.randint(1000, 3900)
    parts: list[str] = []
    length = 0
    headings = rng.random() < 0.4
    used: set = set()
    for heading in rng.sample(words.DESCRIPTION_HEADINGS, len(words.DESCRIPTION_HEADINGS)):
        if length >= total - 300:
            break
        if headings:
            parts.append(f"## {heading}")
        paragraph = _paragraph(rng, s, min(rng.randint(300, 900), total - length - 150), used)
        parts.append(paragraph)
        length += len(paragraph)
        if rng.random() < 0.15:
            parts.append(_bullets(rng))
    return "\n\n".join(parts)


CRITERION_TAILS = (", as assessed within 28 days before enrollment", " (confirmed by central review)",
                   ", unless approved by the sponsor's medical monitor", ", per local institutional guidelines",
                   " or any equivalent condition documented in the medical record")


def _criteria(rng: random.Random, s: dict, templates: tuple[str, ...]) -> list[str]:
    items = []
    count = rng.randint(5, 25)
    # Each criterion once; past the list's length, repeats differ by their qualifying clause.
    chosen = rng.sample(templates, min(count, len(templates)))
    chosen += [rng.choice(templates) for _ in range(count - len(chosen))]
    for n, template in enumerate(chosen):
        text = template.format(**s, age=rng.choice((18, 18, 18, 20, 65)))
        if rng.random() < 0.3 or n >= len(templates):
            text += rng.choice(CRITERION_TAILS)
        text = text[:300]
        if rng.random() < 0.1:
            subs = rng.sample(words.SUBITEMS, rng.randint(2, 5))
            numbered = rng.random() < 0.5
            text += ":\n" + "\n".join(f"{n}. {sub}" if numbered else sub for n, sub in enumerate(subs, start=1))
        items.append(text)
    return items


def _outcomes(rng: random.Random, low: int, high: int, taken: set) -> list[dict]:
    chosen = []
    for measure, description in rng.sample(words.ENDPOINTS, rng.randint(low, high)):
        if measure in taken:
            continue
        taken.add(measure)
        chosen.append({
            "measure": measure,
            "description": description[:1].upper() + description[1:] + "." if rng.random() < 0.85 else None,
            "time_frame": rng.choice(words.TIME_FRAMES) if rng.random() < 0.9 else None,
        })
    return chosen or [{"measure": "Safety and tolerability", "description": None, "time_frame": None}]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _date(rng: random.Random, year: int) -> str:
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def make_record(index: int, seed: int) -> dict:
    """The trial's fields as the model's JSON form (a dict that Trial.model_validate accepts)."""
    p = pools()
    rng = random.Random(f"trial:{seed}:{index}")
    drugs = _distinct(rng, p.drugs, p.drug_cum, rng.choices((1, 2, 3), (45, 40, 15))[0])
    conditions = _distinct(rng, p.conditions, p.condition_cum, rng.choices((1, 2, 3, 4), (55, 25, 12, 8))[0])
    phase = rng.choices(p.phases, cum_weights=p.phase_cum)[0]
    status = rng.choices(p.statuses, cum_weights=p.status_cum)[0]
    second = drugs[1] if len(drugs) > 1 else rng.choice(p.drugs[:20])
    endpoint, endpoint2 = rng.sample(words.ENDPOINTS, 2)
    design = rng.choice(words.DESIGN_WORDS)
    slots = {
        "Drug": _title_name(drugs[0]),
        "Drug2": _title_name(second),
        "drug": drugs[0],
        "drug2": second,
        "cond": conditions[0],
        "cond_l": conditions[0].lower(),
        "stage": rng.choice(("Advanced", "Metastatic", "Resectable", "Recurrent")),
        "joiner": rng.choice(("Plus", "Combined With", "and", "With")),
        "phase_title": PHASE_WORDS[phase].title().replace("Iii", "III").replace("Ii", "II"),
        "phase_words": PHASE_WORDS[phase],
        "line": rng.choice(("First-Line", "Second-Line", "Adjuvant", "Neoadjuvant", "Maintenance")),
        "design": design,
        "design_title": design.split(",")[0].title(),
        "code": f"{rng.choice(words._DRUG_CODES)}-{rng.randint(100, 999)}",
        "acronym": "".join(rng.choice("ABCDEFGHIKLMNOPRSTVZ") for _ in range(rng.randint(4, 7))),
        "endpoint_l": _lower_first(endpoint[0]),
        "endpoint2_l": _lower_first(endpoint2[0]),
        "biomarker": rng.choice(words.BIOMARKERS),
        "n": rng.choice((24, 36, 60, 90, 120, 240, 480, 720)),
        "weeks": rng.choice((6, 8, 9, 12)),
        "months": rng.choice((6, 12, 24)),
        "cycle": rng.choice((14, 21, 28)),
        "sites": rng.randint(1, 80),
        "ratio": rng.choice(("1:1", "2:1", "1:1:1")),
        "dose": rng.choice(("1000 mg/m²", "200 mg", "25 mg/m²", "1200 mg", "10 mg/kg", "125 mg/m²")),
    }
    title = make_title(rng, slots)
    summary = make_summary(rng, slots)
    description = make_description(rng, slots) if rng.random() < 0.65 else None
    interventions = [
        {"type": "BIOLOGICAL" if drug.endswith("mab") else "DRUG", "name": _title_name(drug)} for drug in drugs
    ]
    if rng.random() < 0.3:
        kind, name = rng.choice(words.OTHER_INTERVENTIONS)
        interventions.append({"type": kind, "name": name})
    taken: set = set()
    start = rng.randint(2012, 2026)
    n_dates = rng.choices((0, 1, 2, 3), (30, 20, 20, 30))[0]
    dates = [
        {"label": label, "date": _date(rng, start + offset)}
        for label, offset in zip(("Study start", "Primary completion", "Study completion"), (0, 2, 3), strict=True)
    ][:n_dates]
    n_locations = 0 if rng.random() < 0.2 else min(30, 1 + int(rng.expovariate(1 / 5)))
    seed_text = f"{title}\n{summary}\n{description or ''}\n"
    has_nct = rng.random() < 0.95
    record = {
        "title": title,
        "nct_id": nct_number(index, seed) if has_nct else None,
        "phase": phase,
        "status": status,
        "conditions": conditions,
        "keywords": rng.sample(words.KEYWORDS, rng.choices((0, 1, 2, 3, 5), (30, 15, 25, 20, 10))[0]),
        "interventions": interventions,
        "drugs": drugs,
        "enrollment": int(math.exp(rng.gauss(4.3, 1.0))) if rng.random() < 0.9 else None,
        "sponsor": rng.choice(p.sponsors) if rng.random() < 0.97 else None,
        "sex": rng.choices(("All", "Female", "Male", None), (85, 9, 4, 2))[0],
        "min_age": rng.choice(("18 Years", "18 Years", "18 Years", "20 Years", "65 Years", "12 Years", None)),
        "max_age": rng.choice((None, None, None, "75 Years", "80 Years", "70 Years", "99 Years")),
        "eligibility": {
            "inclusion": _criteria(rng, slots, words.CRITERIA_INCLUSION),
            "exclusion": _criteria(rng, slots, words.CRITERIA_EXCLUSION),
        },
        "outcomes": {
            "primary": _outcomes(rng, 1, 3, taken),
            "secondary": _outcomes(rng, 2, 8, taken),
            "other": _outcomes(rng, 1, 2, taken) if rng.random() < 0.1 else [],
        },
        "summary": summary,
        "description": description,
        "design": {
            "allocation": rng.choices(("Randomized", "Non-randomized", None), (45, 15, 40))[0],
            "arms": rng.choices((1, 2, 3, 4, None), (35, 35, 8, 4, 18))[0],
            "masking": rng.choices(
                ("None (Open Label)", "Single", "Double", "Triple", "Quadruple", None), (55, 4, 8, 4, 9, 20)
            )[0],
            "centres": rng.choices(("Single centre", "Multicentre", None), (30, 40, 30))[0],
        },
        "locations": sorted(rng.sample(p.locations, n_locations)),
        "dates": dates,
        "source": {
            "file": f"{index:06d}_{rng.getrandbits(64):016x}.txt",
            "sha256": hashlib.sha256(seed_text.encode("utf-8")).hexdigest(),
            "layout": "ctgov-export",
        },
        "review": [rng.choice(words.REVIEW_NOTES)] if rng.random() < 0.03 else [],
    }
    # Drawn after everything above, so the rest of a trial stays what earlier versions generated.
    if rng.random() < 0.75:  # most as a registry export states them; the rest as free text only
        record["sites"], record["locations"] = [_site(place) for place in record["locations"]], []
    if rng.random() < 0.03:  # children's trials, their ages in months as registries state them
        record["min_age"], record["max_age"] = "6 Months", "204 Months"
    if dates and rng.random() < 0.6:
        record["dates"] = [*dates, {"label": "Last update posted", "date": _date(rng, rng.randint(2018, 2026))}]
    return record


def _site(place: str) -> dict:
    """A pool place ("Lyon Cancer Center, Lyon, France"; some name a state) as a structured site."""
    facility, city, rest = place.split(", ", 2)
    country = next((name for name in COMMA_COUNTRIES if rest.endswith(name)), rest.split(", ")[-1])
    state = rest[: -len(country)].rstrip(", ") or None
    return {"facility": facility, "city": city, "state": state, "country": country}


_NULL, _INT = "tag:yaml.org,2002:null", "tag:yaml.org,2002:int"
_STR_STYLES: dict[str, tuple[str, str | None]] = {}


def _node(value, str_node) -> yaml.Node:
    """The node PyYAML's representer builds for JSON-like data, without its generic dispatch and
    alias bookkeeping (which a fresh model_dump never needs); strings go through `str_node`,
    the string representer `yamlio` registered, so they get exactly its styles."""
    if isinstance(value, str):
        return str_node(value)
    if value is None:
        return yaml.ScalarNode(_NULL, "null")
    if isinstance(value, bool):
        return yaml.ScalarNode("tag:yaml.org,2002:bool", "true" if value else "false")
    if isinstance(value, int):
        return yaml.ScalarNode(_INT, str(value))
    if isinstance(value, list):
        return yaml.SequenceNode("tag:yaml.org,2002:seq", [_node(item, str_node) for item in value], flow_style=False)
    if isinstance(value, dict):
        pairs = [(_node(key, str_node), _node(item, str_node)) for key, item in value.items()]
        return yaml.MappingNode("tag:yaml.org,2002:map", pairs, flow_style=False)
    raise TypeError(f"unexpected {type(value).__name__} in a trial record")


def _dump_unchecked(data) -> str:
    """`trialsite.yamlio.dump`, faster: nodes built directly, and no load-back check (together
    more than half the cost of writing a trial). Every CHECK_EVERY-th trial is also written by
    the real `dump` and compared; on any difference the real one is used from then on."""
    stream = io.StringIO()
    dumper = yamlio._BlockDumper(
        stream, allow_unicode=True, sort_keys=False, width=yamlio.WIDTH, default_flow_style=False
    )
    represent_str = dumper.yaml_representers[str]

    def str_node(value: str) -> yaml.Node:
        # Keys, criteria, endpoints and places repeat across trials: ask the representer once per
        # string (it is a pure function of the value) and build a fresh node each time (a shared
        # node would be written as an anchor and aliases).
        known = _STR_STYLES.get(value)
        if known is None:
            node = represent_str(dumper, value)
            if len(_STR_STYLES) > 200_000:
                _STR_STYLES.clear()
            _STR_STYLES[value] = (node.tag, node.style)
            return node
        return yaml.ScalarNode(known[0], value, style=known[1])

    try:
        dumper.open()
        dumper.serialize(_node(data, str_node))
        dumper.close()
    finally:
        dumper.dispose()
    return stream.getvalue()


CHECK_EVERY = 25
# Off if yamlio no longer has the pieces the fast path reuses: then render_trial does it all.
_fast_dump_ok = hasattr(yamlio, "_BlockDumper") and hasattr(yamlio, "WIDTH")


def make_trial(index: int, seed: int) -> tuple[str | None, str, str]:
    """(nct id or None, title, file text) for trial `index`, as `render_trial` writes it."""
    global _fast_dump_ok
    trial = Trial.model_validate(make_record(index, seed))
    if not _fast_dump_ok:
        return trial.nct_id, trial.title, render_trial(trial)
    sync.dump = _dump_unchecked  # render_trial looks `dump` up in its module at call time
    try:
        text = render_trial(trial)
    finally:
        sync.dump = yamlio.dump
    if index % CHECK_EVERY == 0:
        checked = render_trial(trial)
        if checked != text:
            print(
                f"generate: trial {index}: the unchecked dump differs from render_trial; "
                "using render_trial for everything from here (slower)",
                file=sys.stderr,
            )
            _fast_dump_ok = False
            text = checked
    return trial.nct_id, trial.title, text


def _work(args: tuple[int, int, int, str]) -> tuple[int, list[tuple[int, str, str]]]:
    """Write trials start..stop that have an NCT id (their file name is the id, so unique);
    hand back the others, whose names come from titles and must be made unique in order."""
    start, stop, seed, trials_dir = args
    written = 0
    by_title: list[tuple[int, str, str]] = []
    for index in range(start, stop):
        nct_id, title, text = make_trial(index, seed)
        if nct_id:
            data = text.encode("utf-8")
            with open(os.path.join(trials_dir, f"{nct_id.lower()}.yaml"), "wb") as handle:
                handle.write(data)
            written += len(data)
        else:
            by_title.append((index, title, text))
    return written, by_title


def generate(n: int, out_dir: Path, seed: int = 1, jobs: int | None = None) -> dict:
    started = time.perf_counter()
    content = out_dir / "content"
    trials_dir = content / "trials"
    if trials_dir.exists():
        shutil.rmtree(trials_dir)
    trials_dir.mkdir(parents=True)
    shutil.copyfile(ROOT / "content" / "drugs.yaml", content / "drugs.yaml")
    marker = out_dir / "generated.json"
    marker.unlink(missing_ok=True)

    jobs = jobs or os.cpu_count() or 1
    chunk = 250
    tasks = [(start, min(start + chunk, n), seed, str(trials_dir)) for start in range(0, n, chunk)]
    if jobs > 1 and len(tasks) > 1:
        with Pool(jobs) as pool:
            results = pool.map(_work, tasks, chunksize=1)
    else:
        results = [_work(task) for task in tasks]

    total_bytes = sum(written for written, _ in results)
    taken = {path.stem for path in trials_dir.glob("*.yaml")}
    for _index, title, text in sorted(item for _, items in results for item in items):
        base = slugify(title)
        slug, k = base, 2
        while slug in taken:  # as extract's _unique_slug does
            slug, k = f"{base}-{k}", k + 1
        taken.add(slug)
        data = text.encode("utf-8")
        (trials_dir / f"{slug}.yaml").write_bytes(data)
        total_bytes += len(data)

    _check_sample(trials_dir, seed)
    info = {
        "n": n,
        "seed": seed,
        "generator_version": GENERATOR_VERSION,
        "files": len(taken),
        "bytes": total_bytes,
        "seconds": round(time.perf_counter() - started, 2),
    }
    if len(taken) != n:
        raise SystemExit(f"generate: wrote {len(taken)} files for {n} trials; this is a bug")
    marker.write_text(json.dumps(info, indent=2) + "\n")
    return info


def _check_sample(trials_dir: Path, seed: int) -> None:
    """Load a sample back the way `build` does; any problem is a generator bug."""
    paths = sorted(trials_dir.glob("*.yaml"))
    for path in random.Random(seed).sample(paths, min(25, len(paths))):
        load_record(path, Trial)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of trials")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: all cores)")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("n must be at least 1")
    info = generate(args.n, args.out_dir, args.seed, args.jobs)
    print(
        f"generate: {info['n']} trials, {info['bytes'] / 1e6:.1f} MB of YAML in "
        f"{args.out_dir / 'content' / 'trials'} ({info['seconds']} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
