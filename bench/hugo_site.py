#!/usr/bin/env python3
"""Turn a trialsite content directory into an equivalent Hugo site, for the benchmark.

    python bench/hugo_site.py CONTENT_DIR OUT_DIR [--pager-size N] [--jobs J]

OUT_DIR gets hugo.toml and layouts/ (from bench/hugo/), our stylesheet, script and icon under
static/static/, data/drugclasses.json from drugs.yaml, and content/trials/<slug>.md for each
trials/<slug>.yaml: YAML front matter with the same fields (taxonomies `drugs`, `conditions`,
`phases` and `statuses` at the top, like trialsite a trial with none gets the term "Not stated";
the other fields under `params`), and the summary, a `<!--more-->` divider, then the
description as the Markdown body, so `.Summary` is the summary. Lists are paginated with
trialsite's page size (trialsite.render.pages.PAGE_SIZE when it has one).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from multiprocessing import Pool
from pathlib import Path

import yaml

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
HUGO_FILES = BENCH / "hugo"
NOT_STATED = "Not stated"
DEFAULT_PAGER_SIZE = 100
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def trialsite_page_size() -> int:
    """The page size of trialsite's paginated lists, so both sites have the same pages."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    try:
        from trialsite.render.pages import PAGE_SIZE  # type: ignore[attr-defined]
    except Exception:  # the renderer is still changing; an unpaginated one has no PAGE_SIZE
        return DEFAULT_PAGER_SIZE
    return int(PAGE_SIZE)


def front_matter(trial: dict) -> dict:
    valid_dates = sorted(d["date"] for d in trial["dates"] if _is_day(d["date"]))
    matter: dict = {"title": trial["title"]}
    if valid_dates:
        matter["date"] = valid_dates[-1]
    matter["keywords"] = trial["keywords"]
    matter["drugs"] = trial["drugs"] or [NOT_STATED]
    matter["conditions"] = trial["conditions"] or [NOT_STATED]
    matter["phases"] = [trial["phase"] or NOT_STATED]
    matter["statuses"] = [trial["status"] or NOT_STATED]
    params = {name: trial[name] for name in (
        "nct_id", "phase", "status", "enrollment", "sponsor", "sex", "min_age", "max_age", "interventions",
        "eligibility", "outcomes", "design", "locations", "dates", "source", "review")}
    params["drug_names"] = trial["drugs"]
    params["condition_names"] = trial["conditions"]
    matter["params"] = params
    return matter


def _is_day(text: str) -> bool:
    import datetime as dt

    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def page_text(trial: dict) -> str:
    # No line folding: every scalar, the title too, stays on its key's line.
    matter = yaml.dump(front_matter(trial), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1_000_000)
    body = [trial["summary"] or ""]
    if trial["description"]:
        body += ["<!--more-->", trial["description"]]
    return f"---\n{matter}---\n\n" + "\n\n".join(body) + "\n"


def convert_file(source: Path, target_dir: Path) -> int:
    trial = yaml.load(source.read_text(encoding="utf-8"), Loader=_Loader)
    data = page_text(trial).encode("utf-8")
    (target_dir / f"{source.stem}.md").write_bytes(data)
    return len(data)


def _work(args: tuple[list[str], str]) -> int:
    paths, target = args
    return sum(convert_file(Path(path), Path(target)) for path in paths)


def build_hugo_site(content_dir: Path, out_dir: Path, pager_size: int | None = None, jobs: int | None = None) -> dict:
    pager_size = pager_size or trialsite_page_size()
    if out_dir.exists():
        shutil.rmtree(out_dir)
    (out_dir / "content" / "trials").mkdir(parents=True)
    config = (HUGO_FILES / "hugo.toml").read_text(encoding="utf-8").replace("@PAGER_SIZE@", str(pager_size))
    (out_dir / "hugo.toml").write_text(config, encoding="utf-8")
    shutil.copytree(HUGO_FILES / "layouts", out_dir / "layouts")
    shutil.copytree(ROOT / "trialsite" / "templates" / "static", out_dir / "static" / "static")
    (out_dir / "data").mkdir()
    (out_dir / "data" / "drugclasses.json").write_text(json.dumps(drug_classes(content_dir), indent=1) + "\n")

    sources = sorted(str(path) for path in (content_dir / "trials").glob("*.yaml"))
    target = str(out_dir / "content" / "trials")
    tasks = [(sources[i : i + 500], target) for i in range(0, len(sources), 500)]
    jobs = jobs or os.cpu_count() or 1
    if jobs > 1 and len(tasks) > 1:
        with Pool(jobs) as pool:
            written = sum(pool.map(_work, tasks, chunksize=1))
    else:
        written = sum(map(_work, tasks))
    return {"pages": len(sources), "bytes": written, "pager_size": pager_size}


def drug_classes(content_dir: Path) -> dict[str, str]:
    path = content_dir / "drugs.yaml"
    if not path.exists():
        return {}
    vocabulary = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or {}
    return {drug["name"].casefold(): drug["class"] for drug in vocabulary.get("drugs", []) if drug.get("class")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("content_dir", type=Path, help="a trialsite content directory (with trials/ and drugs.yaml)")
    parser.add_argument("out_dir", type=Path, help="the Hugo site to create (replaced if it exists)")
    parser.add_argument("--pager-size", type=int, default=None, help="rows per list page (default: trialsite's)")
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args(argv)
    if not (args.content_dir / "trials").is_dir():
        parser.error(f"{args.content_dir}/trials not found")
    info = build_hugo_site(args.content_dir, args.out_dir, args.pager_size, args.jobs)
    print(f"hugo_site: {info['pages']} trial pages, {info['bytes'] / 1e6:.1f} MB of Markdown in "
          f"{args.out_dir / 'content' / 'trials'} (pager size {info['pager_size']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
