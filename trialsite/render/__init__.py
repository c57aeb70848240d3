"""Rendering: validated content -> a static site (HTML pages, feed, sitemap, open data)."""

from .config import CONFIG_FILE, SiteConfig, load_config
from .site import BuildResult, build_site

__all__ = ["CONFIG_FILE", "BuildResult", "SiteConfig", "build_site", "load_config"]
