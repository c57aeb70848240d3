"""Site settings: the few values a page needs that are not trial content, from `site.toml`."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import BuildError

CONFIG_FILE = "site.toml"
FIELDS = ("title", "description", "base_url")


@dataclass(frozen=True)
class SiteConfig:
    title: str
    description: str
    base_url: str  # "/", "/repo/" or "https://user.github.io/repo/"; always ends with "/"


def load_config(path: Path, base_url: str | None = None) -> SiteConfig:
    """Read `path`; a `base_url` given here (from --base-url) wins over the file's."""
    try:
        settings = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BuildError(path, f"cannot read: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise BuildError(path, f"invalid TOML: {exc}") from exc
    unknown = sorted(set(settings) - set(FIELDS))
    if unknown:
        raise BuildError(path, f"unknown setting {unknown[0]!r}; allowed: {', '.join(FIELDS)}")
    for name in FIELDS:
        if not isinstance(settings.get(name), str) or not settings[name].strip():
            raise BuildError(path, f"{name}: missing; give it as a non-empty string")
    if base_url is not None:
        settings["base_url"] = base_url
    return SiteConfig(
        settings["title"], settings["description"], normalize_base_url(path, settings["base_url"])
    )


def normalize_base_url(path: Path | str, base_url: str) -> str:
    """Accept a path or an http(s) URL; end it with "/" so that routes can be appended."""
    parts = urlsplit(base_url)
    if parts.scheme not in {"", "http", "https"} or bool(parts.scheme) != bool(parts.netloc):
        raise BuildError(path, f"base_url {base_url!r}: give a path like /repo/ or an http(s) URL")
    if parts.query or parts.fragment or not (parts.path.startswith("/") or not parts.path):
        raise BuildError(path, f"base_url {base_url!r}: give a path from the site root, with no ? or #")
    site_path = parts.path if parts.path.endswith("/") else parts.path + "/"
    origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
    return origin + site_path
