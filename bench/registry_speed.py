"""How quickly `extract` reads registry exports: a large CSV download and a folder of API pages.

    python bench/registry_speed.py [--trials N] [--out DIR]

Makes N trials (default 10,000) by repeating the real records of tests/fixtures/registry/ under
new NCT ids: once as one CSV download (registry.csv's rows), once as API pages of 1,000 studies
(the JSON records). Then runs `extract` on each into an empty content folder, as a new
catalogue does, and prints the wall time and the peak memory of each run (a process of its own,
so the figures do not mix). The records are real; only their ids are new.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = ROOT / "tests" / "fixtures" / "registry"
PAGE_SIZE = 1000
_RUN = """
import resource, sys, time
from pathlib import Path
from trialsite.cli import main
started = time.perf_counter()
code = main(Path(sys.argv[1]), ["extract", "--seeds", sys.argv[2], "--content", sys.argv[3]])
seconds = time.perf_counter() - started
print(f"{seconds:.1f} s, peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB, exit {code}")
"""


def new_id(n: int) -> str:
    return f"NCT9{n:07d}"


def write_csv(path: Path, trials: int) -> None:
    with open(REGISTRY / "registry.csv", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows, header = list(reader), list(reader.fieldnames or [])
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        for n in range(trials):
            writer.writerow({**rows[n % len(rows)], "NCT Number": new_id(n)})


def write_pages(folder: Path, trials: int) -> None:
    records = [json.loads(p.read_text("utf-8")) for p in sorted(REGISTRY.glob("NCT*.json"))]
    folder.mkdir(parents=True)
    for start in range(0, trials, PAGE_SIZE):
        studies = []
        for n in range(start, min(start + PAGE_SIZE, trials)):
            study = json.loads(json.dumps(records[n % len(records)]))
            study["protocolSection"]["identificationModule"]["nctId"] = new_id(n)
            studies.append(study)
        (folder / f"page-{start // PAGE_SIZE:03d}.json").write_text(json.dumps({"studies": studies}), "utf-8")


def run(label: str, seeds: Path, content: Path) -> None:
    content.mkdir(parents=True)
    (content / "drugs.yaml").write_bytes((ROOT / "content" / "drugs.yaml").read_bytes())
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", _RUN, str(ROOT), str(seeds), str(content)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    figures = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-500:]
    print(f"{label}: {figures} (process {time.perf_counter() - started:.1f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "registry")
    args = parser.parse_args()
    out = args.out / str(args.trials)
    if out.exists():
        sys.exit(f"{out} exists: remove it or choose another --out")
    (out / "csv-seeds").mkdir(parents=True)
    write_csv(out / "csv-seeds" / "download.csv", args.trials)
    write_pages(out / "json-seeds", args.trials)
    size = (out / "csv-seeds" / "download.csv").stat().st_size
    print(f"{args.trials:,} trials: a {size / 1e6:.1f} MB CSV, {len(list((out / 'json-seeds').iterdir()))} API pages")
    run("CSV download", out / "csv-seeds", out / "csv-content")
    run("API pages", out / "json-seeds", out / "json-content")


if __name__ == "__main__":
    main()
