"""How quickly extract turns documents into records, once its vocabularies are loaded.

    python bench/extract_speed.py [SEEDS_DIR] [--repeat R]

SEEDS_DIR defaults to the development corpus (../shared/corpus beside this checkout). Prints the
time of a first pass, which loads the vocabularies (the package's drug table, DrugBank's
names, the MeSH condition table), then the mean and the slowest time per document over R passes (default 5),
extracting in memory only: reading and writing files is the same for every layout and is left out.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from trialsite.content import drug_vocabulary  # noqa: E402  (after the path set-up above)
from trialsite.extract import extract  # noqa: E402
from trialsite.extract.drugs import DrugIndex  # noqa: E402
from trialsite.seeds import Seed, find_seeds, read_seed  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seeds", nargs="?", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    seeds = [read_seed(path) for path in find_seeds(args.seeds) if path.suffix == ".txt"]
    if not seeds:
        sys.exit(f"no .txt documents in {args.seeds}")

    started = time.perf_counter()
    index = DrugIndex.from_vocabulary(drug_vocabulary(ROOT / "content"))
    for seed in seeds:  # the first pass loads DrugBank's names and the MeSH table as it needs them
        extract(seed, index)
    first_pass = time.perf_counter() - started

    per_document = [_time_one(seed, index) for _ in range(args.repeat) for seed in seeds]
    print(f"{len(seeds)} documents from {args.seeds}, {args.repeat} passes")
    print(f"first pass, loading the vocabularies: {first_pass:.2f} s")
    print(f"per document: mean {statistics.mean(per_document) * 1000:.2f} ms, "
          f"slowest {max(per_document) * 1000:.2f} ms")


def _time_one(seed: Seed, index: DrugIndex) -> float:
    started = time.perf_counter()
    extract(seed, index)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
