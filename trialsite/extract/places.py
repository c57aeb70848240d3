"""Places written as one line of comma-separated parts, country last: a ClinConnect location
('La Jolla, California, United States') and a location of the registry's CSV download
('UCSD, Moores Cancer Center, La Jolla, California, 92093, United States').

The registry names some countries with a comma ('Korea, Republic of', 'Iran, Islamic Republic
of', 'Virgin Islands, U.S.'): such a country is one part.
"""

from __future__ import annotations

import re
from typing import Any

_COUNTRY_TAIL = re.compile(r"^(?:.* of(?: the)?|U\.S\.|British)$")
_ZIP = re.compile(r"\d")  # a postal code has a digit; a city, state or country name has none


def place_parts(text: str) -> list[str]:
    """The parts of a place, the country (possibly holding a comma) last."""
    parts = [part.strip() for part in text.split(", ") if part.strip()]
    if len(parts) >= 2 and _COUNTRY_TAIL.match(parts[-1]):
        parts[-2:] = [f"{parts[-2]}, {parts[-1]}"]
    return parts


def city_line_site(text: str) -> dict[str, Any] | None:
    """'City, Country' or 'City, State, Country' as a site; None for a line of another shape."""
    parts = place_parts(text)
    if len(parts) not in (2, 3) or any(_ZIP.search(part) for part in parts):
        return None
    return {"facility": None, "city": parts[0], "state": parts[1] if len(parts) == 3 else None, "country": parts[-1]}


def registry_site(text: str) -> tuple[dict[str, Any], bool]:
    """`facility, city, state, zip, country`, the parts the registry lacks left out. The country
    is last; a zip holds a digit and leaves facility and city before it. Of the rest, two are
    facility and city, three add the state, and more are the facility's own (a name with a
    comma). The flag says the split is uncertain: three parts or more can also be a facility
    with a comma and no state."""
    parts = place_parts(text)
    country = parts.pop() if parts else None
    if len(parts) >= 3 and _ZIP.search(parts[-1]):  # with two left, a digit is the city's ('Praha 2')
        parts.pop()
    uncertain = len(parts) >= 3
    state = parts.pop() if len(parts) >= 3 else None
    city = parts.pop() if parts else None
    return {"facility": ", ".join(parts) or None, "city": city, "state": state, "country": country}, uncertain
