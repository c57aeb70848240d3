"""Coverage-guided fuzzing of the extractor and the YAML loader with atheris (libFuzzer).

Not part of the test suite (pytest does not collect it): a long local campaign, starting from
the seeds, the content and the adversarial corpus.

    pip install atheris
    python tests/atheris_fuzz.py -atheris_runs=200000 [-max_len=20000]

The first byte of an input picks the target: odd, a seed document through extraction; even, a
trial file through both YAML loaders. The properties are those of tests/test_fuzz.py: a
schema-valid record or a clean, located error, and the fast loader agreeing with the thorough
one. Anything else raises, and libFuzzer saves the input as crash-*.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

with atheris.instrument_imports(include=["trialsite"]):
    from trialsite.content import InvalidContent, drug_vocabulary, load_record, load_trial
    from trialsite.errors import SeedError
    from trialsite.extract import extract
    from trialsite.extract.drugs import DrugIndex
    from trialsite.model import Trial
    from trialsite.render.markdown import to_html
    from trialsite.seeds import parse_seed
    from trialsite.sync import render_trial
    from trialsite.yamlio import load

DRUGS = DrugIndex.from_vocabulary(drug_vocabulary(ROOT / "content"))
WORK = Path(tempfile.mkdtemp(prefix="trialsite-atheris-")) / "trials"
WORK.mkdir()
FILE = WORK / "fuzz.yaml"


def seed_document(data: bytes) -> None:
    try:
        trial = extract(parse_seed("fuzz.txt", data), DRUGS)
    except SeedError:
        return
    back = load(render_trial(trial), "fuzz.yaml").data
    assert Trial.model_validate(back) == trial
    for markdown in (trial.summary, trial.description):
        if markdown:
            assert "<a " not in to_html(markdown), markdown


def trial_file(data: bytes) -> None:
    FILE.write_bytes(data)
    outcomes = []
    for loader in (lambda: load_trial(FILE), lambda: load_record(FILE, Trial)):
        try:
            outcomes.append(loader())
        except InvalidContent as exc:
            assert exc.problems and all(p.line and p.path == str(FILE) for p in exc.problems), exc.problems
            outcomes.append(None)
    assert outcomes[0] == outcomes[1], "the fast and the thorough loader disagree"


def test_one_input(data: bytes) -> None:
    if not data:
        return
    (seed_document if data[0] & 1 else trial_file)(data[1:])


def write_corpus(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    sources = [
        (b"\x01", [*ROOT.glob("seeds/*.txt"), *ROOT.glob("tests/fixtures/seeds/*.txt"),
                   *ROOT.glob("tests/fixtures/adversarial/seeds/*.txt")]),
        (b"\x00", [*ROOT.glob("content/trials/*.yaml"), *ROOT.glob("tests/fixtures/render/content/trials/*.yaml"),
                   *ROOT.glob("tests/fixtures/adversarial/yaml/*.yaml")]),
    ]
    for prefix, paths in sources:
        for path in paths:
            data = path.read_bytes()
            if len(data) < 200_000:
                (directory / f"{prefix.hex()}-{path.name}").write_bytes(prefix + data)


if __name__ == "__main__":
    corpus = Path(tempfile.gettempdir()) / "trialsite-atheris-corpus"
    write_corpus(corpus)
    atheris.Setup([sys.argv[0], *sys.argv[1:], str(corpus)], test_one_input)
    atheris.Fuzz()
