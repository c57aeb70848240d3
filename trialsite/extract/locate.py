"""Where in a text document each extracted value is stated: the lines that say it.

Matching is on words, case-folded, so a criterion tidied or escaped on its way into the record
still meets the line it came from. A value extraction normalised (a phase written `Phase II`, a
date written `Oct 27, 2024`, an age in a sentence) is found by the same readers that read it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..provenance import MAX_QUOTE, quote_lines
from .dates import iso_date
from .enrollment import number_value
from .prose import _ARMS, _DESIGN, _NUMBERS, phase_from_badge, phases_in

_WORD = re.compile(r"\w+")
# Enough words to place a long value (a criterion, a summary) without needing all of it verbatim.
_HEAD_WORDS = 12
_TAIL_WORDS = 6
_NUMBER_WORDS = re.compile(r"\b[a-z]+(?:[\s-]+(?:and[\s-]+)?[a-z]+)*\b", re.IGNORECASE)


@dataclass(frozen=True)
class Place:
    first: int  # 1-based
    last: int
    quote: str
    offset: int = 0


class Document:
    """A document's lines as a stream of words, each word knowing its line."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        words: list[str] = []
        self._line_of: list[int] = []
        self._offsets: list[int] = []
        offset = 0
        for number, line in enumerate(lines, start=1):
            for word in _WORD.findall(line.casefold()):
                self._offsets.append(offset)
                words.append(word)
                self._line_of.append(number)
                offset += len(word) + 1
        self._text = " ".join(words)
        self._line_words = [_WORD.findall(line.casefold()) for line in lines]
        self._first_word_of_line = {line: i for i, line in reversed(list(enumerate(self._line_of)))}

    def place(self, first: int, last: int, start_word: int | None = None) -> Place:
        """Lines `first` to `last`; when their text is longer than a quote, quoted from a little
        before the word the value starts at."""
        offset = 0
        if start_word is not None and len(quote_lines(self.lines, first, last, 0)) == MAX_QUOTE:
            whole = " ".join(line.strip() for line in self.lines[first - 1 : last] if line.strip())
            nth = start_word - self._first_word_of_line[first]  # the value's first word, counted in these lines
            found = next((m for i, m in enumerate(_WORD.finditer(whole)) if i == nth), None)
            offset = max(0, found.start() - 80) if found else 0
        return Place(first, last, quote_lines(self.lines, first, last, offset), offset)

    def find_words(self, text: str, whole_words: bool = True) -> Place | None:
        """The lines holding the words of `text`; `whole_words=False` lets the last word be the
        start of a longer one (a plural: 'nab-paclitaxels')."""
        words = _WORD.findall(text.casefold())
        if not words:
            return None
        start = self._find(words[:_HEAD_WORDS], 0, whole_words or len(words) > _HEAD_WORDS)
        if start is None:
            return None
        end = start + min(len(words), _HEAD_WORDS) - 1
        if len(words) > _HEAD_WORDS:
            tail = self._find(words[-_TAIL_WORDS:], start)
            end = tail + _TAIL_WORDS - 1 if tail is not None else end
        return self.place(self._line_of[start], self._line_of[end], start)

    def _find(self, words: list[str], from_word: int, whole_words: bool = True) -> int | None:
        phrase = " ".join(words)
        at = self._text.find(phrase, self._offsets[from_word] if from_word < len(self._offsets) else len(self._text))
        while at != -1:
            index = _index_at(self._offsets, at)
            ends = at + len(phrase) == len(self._text) or self._text[at + len(phrase)] == " "
            if index is not None and (ends or not whole_words):
                return index
            at = self._text.find(phrase, at + 1)
        return None

    def find_whole_line(self, text: str) -> Place | None:
        """The first line that says `text` and nothing else: a labelled value on its own line."""
        words = _WORD.findall(text.casefold())
        number = next((n for n, said in enumerate(self._line_words, start=1) if words and said == words), None)
        return self.place(number, number) if number is not None else None

    def find_line(self, says: Callable[[str], bool]) -> Place | None:
        number = next((n for n, line in enumerate(self.lines, start=1) if says(line)), None)
        return self.place(number, number) if number is not None else None


def _index_at(offsets: list[int], at: int) -> int | None:
    """The word starting at character `at`, when one does (a phrase must start on a word)."""
    from bisect import bisect_left

    index = bisect_left(offsets, at)
    return index if index < len(offsets) and offsets[index] == at else None


def locate(document: Document, key: str, value: Any) -> Place | None:
    """The lines of `document` that state `value` for the field `key`, or None."""
    field = re.sub(r"\[\d+\]$", "", key)
    finder = _FINDERS.get(field)
    if finder is not None:
        return finder(document, value)
    text = _text_of(value)
    return document.find_whole_line(text) or document.find_words(text)


def _text_of(value: Any) -> str:
    if isinstance(value, dict):  # an intervention, an outcome, a site
        return str(value.get("name") or value.get("measure") or value.get("facility") or value.get("city") or "")
    return str(value)


def _phase(document: Document, value: Any) -> Place | None:
    return document.find_line(lambda line: phase_from_badge(line) == value) or document.find_line(
        lambda line: value in phases_in(line)
    )


def _plain_line(document: Document, value: Any) -> Place | None:
    """A badge value: the line that is the value, else the first that says it."""
    return document.find_whole_line(str(value)) or document.find_words(str(value))


def _sex(document: Document, value: Any) -> Place | None:
    words = {"All": ("all", "both"), "Female": ("female", "females", "women"), "Male": ("male", "males", "men")}[value]
    exact = document.find_line(lambda line: line.strip().casefold() in words)
    return exact or document.find_line(lambda line: bool(set(words) & set(_WORD.findall(line.casefold()))))


def _age(document: Document, value: Any) -> Place | None:
    number, unit = str(value).split(" ")
    near_unit = re.compile(
        rf"\b{number}\b(?=.*\b(?:{unit[:-1]}s?|age|old|older|aged)\b)|\bage[ds]?\b.*\b{number}\b", re.IGNORECASE
    )
    return document.find_line(lambda line: bool(near_unit.search(line)))


def _enrollment(document: Document, value: Any) -> Place | None:
    digits = re.compile(rf"(?<![\d,.])(?:{value}|{value:,})(?![\d,])")
    found = document.find_line(lambda line: bool(digits.search(line)))
    return found or document.find_line(
        lambda line: any(number_value(m.group(0)) == value for m in _NUMBER_WORDS.finditer(line))
    )


def _date(document: Document, value: Any) -> Place | None:
    date = value["date"]
    return document.find_line(lambda line: date in line or iso_date(line) == date or _dated(line, date))


def _dated(line: str, date: str) -> bool:
    """A line that ends in a date after other words: 'Launched by X · Oct 27, 2024', 'Current as of ...'."""
    words = line.split()
    return any(iso_date(" ".join(words[i:]).lstrip("·•|: ")) == date for i in range(max(0, len(words) - 4), len(words)))


def _design(name: str) -> Callable[[Document, Any], Place | None]:
    def find(document: Document, value: Any) -> Place | None:
        if name == "arms":
            def says(line: str) -> bool:
                return any((_NUMBERS.get(m.group(1).casefold()) or int(m.group(1))) == value
                           for m in _ARMS.finditer(line))
        else:
            patterns = [pattern for pattern, stated in _DESIGN[name] if stated == value]

            def says(line: str) -> bool:
                return any(pattern.search(line) for pattern in patterns)
        return document.find_line(says)

    return find


_FINDERS: dict[str, Callable[[Document, Any], Place | None]] = {
    "phase": _phase,
    "status": _plain_line,
    "sex": _sex,
    "min_age": _age,
    "max_age": _age,
    "enrollment": _enrollment,
    "dates": _date,
    **{f"design.{name}": _design(name) for name in ("allocation", "arms", "masking", "centres")},
}
