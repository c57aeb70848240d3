"""Rendering: validated content -> a static site (HTML pages, feed, sitemap, open data)."""

from .config import CONFIG_FILE, SiteConfig, load_config
from .engine import BuildResult, SiteBuilder, build_site

__all__ = ["CONFIG_FILE", "BuildResult", "SiteBuilder", "SiteConfig", "build_site", "load_config"]
