"""The whole catalogue as open data: trials.json (the records as-is) and trials.csv (flat).

The CSV's columns follow the model's field order, so a field added to the model appears here
without a second list to keep in step: sub-records become dotted columns (design.arms), lists
are joined with "; ", and a record inside a list is written as "field: value, field: value".
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from typing import Any

from ..model import Trial, blank
from .urls import Urls, trial_route

LIST_SEPARATOR = "; "


def trials_json(trials: Mapping[str, Trial], urls: Urls) -> bytes:
    records = [_record(slug, trials[slug], urls) for slug in sorted(trials)]
    return (json.dumps(records, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


def trials_csv(trials: Mapping[str, Trial], urls: Urls) -> bytes:
    header = list(_flatten({"slug": None, "url": None, **blank(Trial)}))
    rows = [_flatten(_record(slug, trials[slug], urls)) for slug in sorted(trials)]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([row[column] for column in header] for row in rows)
    return buffer.getvalue().encode("utf-8")


def _record(slug: str, trial: Trial, urls: Urls) -> dict[str, Any]:
    return {"slug": slug, "url": urls.absolute(trial_route(slug)), **trial.model_dump(mode="json")}


def _flatten(record: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    columns: dict[str, str] = {}
    for name, value in record.items():
        if isinstance(value, Mapping):
            columns.update(_flatten(value, f"{prefix}{name}."))
        else:
            columns[prefix + name] = _cell(value)
    return columns


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(_cell(item) for item in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{name}: {_cell(item)}" for name, item in value.items() if item is not None)
    return str(value)
