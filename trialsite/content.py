"""The content directory: trial YAML files and the drug vocabulary, loaded and validated.

Every problem is collected, not just the first, and each names its file and line.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pydantic

from .errors import ContentError
from .model import PHASES, SEXES, STATUSES, DrugVocabulary, Trial, missing_keys, record_type
from .yamlio import Loaded, load, parse

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails

Model = TypeVar("Model", bound=pydantic.BaseModel)

TRIALS_DIR = "trials"
DRUGS_FILE = "drugs.yaml"
SCHEMAS_DIR = Path(__file__).resolve().parent / "schemas"  # package data: they ship in the wheel
# The vocabulary trialsite curates: package data, so a new, empty catalogue has it too.
PACKAGE_DRUGS = Path(__file__).resolve().parent / "vocabularies" / DRUGS_FILE
# A trial file's name is its page's address (trials/<name>/): lowercase letters, digits, '-'
# and '_', as extract writes them; never a leading dot, so never '..', a hidden or a lock file.
_TRIAL_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,99}")
# Characters no field may hold: controls (except tab and line breaks) and the invisible ones that
# can disguise text on screen (zero-width, bidi overrides and isolates, soft hyphen, BOM).
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)
# Anything that could let past the fast loader what the thorough one refuses: a forbidden
# character, a backslash (an escape in a double-quoted string), a `!` that may start a tag, an `&`
# that may start an anchor (yaml-rs takes names such as `&lt;x&gt;` that PyYAML refuses), 4,000
# digits in a row (too long to print), any tab (yaml-rs accepts some that PyYAML, and so `check`,
# refuses: before a comment, after a `- `) or U+2028/U+2029 (line breaks to PyYAML's YAML 1.1,
# not to yaml-rs's 1.2). A false alarm only costs the slower load. Checked piece by piece, each
# with a cheap pre-test: one combined pattern cost a millisecond a file.
_TAG = re.compile(r"(?:^|[\s\[{,])!", re.MULTILINE)
_ANCHOR = re.compile(r"(?:^|[\s\[{,])&\S", re.MULTILINE)
_LONG_DIGITS = re.compile(r"[0-9]{4000}")


def _suspect(text: str) -> bool:
    return bool(
        _FORBIDDEN.search(text)
        or "\u2028" in text
        or "\u2029" in text
        or "\\" in text
        or ("!" in text and _TAG.search(text))
        or ("&" in text and _ANCHOR.search(text))
        or "\t" in text
        or (sum(map(text.count, "0123456789")) >= 4000 and _LONG_DIGITS.search(text))
    )


@dataclass
class Content:
    trials: dict[str, Trial] = field(default_factory=dict)  # slug -> trial
    vocabulary: DrugVocabulary | None = None
    problems: list[ContentError] = field(default_factory=list)
    # Valid files that leave out keys the model has (written by an older trialsite): file -> keys.
    incomplete: dict[Path, list[str]] = field(default_factory=dict)

    def note(self, path: Path, record: pydantic.BaseModel) -> None:
        if missing := missing_keys(record):
            self.incomplete[path] = missing


def trial_paths(content_dir: Path) -> list[Path]:
    return sorted((content_dir / TRIALS_DIR).glob("*.yaml"))


def load_content(content_dir: Path) -> Content:
    content = Content()
    if not content_dir.is_dir():
        content.problems.append(ContentError(content_dir, "content directory not found"))
        return content
    try:
        content.vocabulary = load_vocabulary(content_dir)
        content.note(content_dir / DRUGS_FILE, content.vocabulary)
    except InvalidContent as exc:
        content.problems.extend(exc.problems)
    for path in trial_paths(content_dir):
        if _is_special(path):  # reading a pipe would wait for a writer: refused, as build does
            content.problems.append(ContentError(path, "not a regular file"))
            continue
        try:
            check_trial_name(path)
            content.trials[path.stem] = trial = load_record(path, Trial)
            content.note(path, trial)
        except InvalidContent as exc:
            content.problems.extend(exc.problems)
    return content


def _is_special(path: Path) -> bool:
    """A pipe, socket or device file (a directory or a dangling link fails to read, at once)."""
    return path.exists() and not (path.is_file() or path.is_dir())


def load_vocabulary(content_dir: Path) -> DrugVocabulary:
    """The catalogue's own `drugs.yaml` (empty when it has none)."""
    path = content_dir / DRUGS_FILE
    if not path.exists():
        return DrugVocabulary(drugs=[], regimens=[])
    return load_record(path, DrugVocabulary)


def drug_vocabulary(content_dir: Path) -> DrugVocabulary:
    """The package's curated vocabulary with the catalogue's own over it: where both name the
    same drug or regimen, the catalogue's entry wins."""
    return merge_vocabularies(load_record(PACKAGE_DRUGS, DrugVocabulary), load_vocabulary(content_dir))


def merge_vocabularies(base: DrugVocabulary, own: DrugVocabulary) -> DrugVocabulary:
    """`base` less the entries `own` replaces, then `own`'s, so that `own`'s aliases, indexed
    last, also win over any alias of `base` they share."""
    replaced = {d.name.casefold() for d in own.drugs} | {r.name.casefold() for r in own.regimens}
    return DrugVocabulary(
        drugs=[d for d in base.drugs if d.name.casefold() not in replaced] + list(own.drugs),
        regimens=[r for r in base.regimens if r.name.casefold() not in replaced] + list(own.regimens),
    )


class InvalidContent(Exception):
    """One file's problems, all of them."""

    def __init__(self, problems: list[ContentError]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


def load_record(path: Path, model: type[Model]) -> Model:
    """Parse and validate one YAML file against `model`; raise with every problem found."""
    try:
        loaded = load(_read_text(path), str(path))
    except ContentError as exc:
        raise InvalidContent([exc]) from exc
    problems = _text_problems(path, loaded)
    try:
        record = model.model_validate(loaded.data)
    except pydantic.ValidationError as exc:
        problems = [_problem(path, loaded, error, model) for error in exc.errors()] + problems
    else:
        if not problems:
            return record
    raise InvalidContent(sorted(problems, key=lambda problem: problem.line or 0))


def load_trial(path: Path) -> Trial:
    """`load_record(path, Trial)`, fast: parse and validate without line bookkeeping, and take
    the slow path, which names file and line, only when something is wrong or may be."""
    check_trial_name(path)
    try:
        text = path.read_bytes().decode("utf-8")
        if not _suspect(text):
            return Trial.model_validate(parse(text, str(path)))
    except (ContentError, UnicodeDecodeError, pydantic.ValidationError):
        pass
    return load_record(path, Trial)


def check_trial_name(path: Path) -> None:
    if path.suffix != ".yaml" or not _TRIAL_NAME.fullmatch(path.stem):
        raise InvalidContent([ContentError(
            path,
            "file name must be lowercase letters, digits, '-' or '_' before .yaml, starting with a letter or "
            "digit (it becomes the page's address, trials/<name>/); rename the file",
        )])


def _text_problems(path: Path, loaded: Loaded) -> list[ContentError]:
    """Every string value holding a control or invisible character, at its line."""
    problems: list[ContentError] = []
    pending: list[tuple[tuple[str | int, ...], Any]] = [((), loaded.data)]
    while pending:
        loc, value = pending.pop()
        if isinstance(value, str):
            found = _FORBIDDEN.search(value)
            if found:
                dotted = ".".join(str(part) for part in loc) or "(document)"
                problems.append(ContentError(
                    path, f"{dotted}: contains {_describe(found.group())}; delete it", loaded.line_of(loc)
                ))
        elif isinstance(value, dict):
            pending += [((*loc, key), item) for key, item in value.items()]
        elif isinstance(value, list):
            pending += [((*loc, index), item) for index, item in enumerate(value)]
    return problems


def _describe(char: str) -> str:
    name = unicodedata.name(char, "")
    if unicodedata.category(char) == "Cc":
        kind = "a control character"
    else:
        kind = "an invisible character that can disguise text"
    return f"U+{ord(char):04X}{' ' + name if name else ''}, {kind}"


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ContentError(path, f"cannot read: {exc.strerror}") from exc
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ContentError(path, f"not valid UTF-8 (byte {exc.start}); save the file as UTF-8", line) from exc


def _problem(path: Path, loaded: Loaded, error: ErrorDetails, model: type[pydantic.BaseModel]) -> ContentError:
    loc = tuple(error["loc"])
    dotted = ".".join(str(part) for part in loc) or "(document)"
    message = _message(error, loc, model)
    return ContentError(path, f"{dotted}: {message}", loaded.line_of(loc))


def _message(error: ErrorDetails, loc: tuple[str | int, ...], model: type[pydantic.BaseModel]) -> str:
    kind = error["type"]
    if kind == "missing":
        return "missing; this field is required"
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else f"; allowed: {', '.join(allowed)}"
        return "unknown field" + hint
    if kind == "model_type" and not loc:
        return "the file must be a mapping of field names to values"
    if kind == "model_type":
        return f"should be a mapping of {', '.join(_allowed_keys(model, loc))}"
    suggestion = _suggest_value(loc[-1] if loc else None, error.get("input"))
    return error["msg"] + (f"; did you mean '{suggestion}'?" if suggestion else "")


def _allowed_keys(model: type[pydantic.BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    """The field names of the (sub)model at `loc`, for a misspelt key's suggestion."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        if info is None:
            return []
        current = record_type(info.annotation)
        if current is None:
            return []
    return [info.alias or name for name, info in current.model_fields.items()]


def _suggest_value(field_name: Any, value: Any) -> str | None:
    if field_name in {"min_age", "max_age"} and isinstance(value, int):
        return f"{value} Years"
    if field_name == "phase" and isinstance(value, int) and f"Phase {value}" in PHASES:
        return f"Phase {value}"
    if not isinstance(value, str):
        return None
    if field_name == "phase":
        # Imported only for a mistake: loading the extractors would cost every build ~50 ms.
        from .extract.prose import phase_from_badge, phases_in

        phases = phases_in(value)
        return phase_from_badge(value) or (phases[0] if len(phases) == 1 else None)
    vocabulary = {"status": STATUSES, "sex": SEXES}.get(field_name)
    if vocabulary is None:
        return None
    folded = {v.casefold(): v for v in vocabulary}
    if value.casefold() in folded:
        return folded[value.casefold()]
    close = difflib.get_close_matches(value.casefold(), list(folded), n=1, cutoff=0.6)
    return folded[close[0]] if close else None


def schema_path(name: str) -> Path:
    return SCHEMAS_DIR / f"{name}.schema.json"

