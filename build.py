#!/usr/bin/env python3
"""trialsite: `python build.py --help` lists the commands."""

import sys
from pathlib import Path

from trialsite.cli import main

if __name__ == "__main__":
    sys.exit(main(Path(__file__).resolve().parent))
