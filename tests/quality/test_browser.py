"""The built site in real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright):
axe-core accessibility in light and dark colour schemes, clean loads, no sideways scrolling on
a phone, and full-page screenshots kept for a person to look at."""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}
KINDS = ("home", "trial", "drug", "phase", "search")
SCHEMES = ("light", "dark")


@dataclass
class Loaded:
    page: object
    problems: list[str] = field(default_factory=list)


@pytest.fixture
def open_page(browser, sample_pages):
    """open_page(kind, scheme, viewport): the sample page of that kind, loaded in a fresh context,
    with every console error, page error and failed request recorded in .problems."""
    contexts = []

    def run(kind: str, scheme: str = "light", viewport: dict = DESKTOP) -> Loaded:
        context = browser.new_context(color_scheme=scheme, viewport=viewport, reduced_motion="reduce")
        contexts.append(context)
        page = context.new_page()
        loaded = Loaded(page)
        page.on(
            "console",
            lambda m: m.type == "error"
            and not m.text.startswith("Failed to load resource")  # reported with its URL below
            and loaded.problems.append(f"console error: {m.text}"),
        )
        page.on("pageerror", lambda e: loaded.problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: loaded.problems.append(f"request failed: {r.url} ({r.failure})"))
        page.on(
            "response",
            lambda r: r.status >= 400 and loaded.problems.append(f"HTTP {r.status}: {r.url}"),
        )
        response = page.goto(sample_pages[kind], wait_until="load")
        assert response is not None and response.status == 200, (
            f"{sample_pages[kind]} -> {response and response.status}"
        )
        page.evaluate("document.fonts.ready")
        if kind == "search":  # Pagefind's results arrive after the load event
            page.wait_for_selector(".pagefind-ui__result-link", timeout=15000)
        return loaded

    yield run
    for context in contexts:
        context.close()


def _format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']} <{v.get('helpUrl', '')}>")
        for node in v["nodes"]:
            target = " ".join(json.dumps(t) if not isinstance(t, str) else t for t in node.get("target", []))
            lines.append(f"    at {target}")
            lines.append(f"       {node.get('html', '')[:300]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n       ")
            if summary:
                lines.append(f"       {summary}")
    return "\n".join(lines)


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("kind", KINDS)
def test_page_has_no_axe_violations(open_page, axe, sample_pages, kind, scheme):
    loaded = open_page(kind, scheme)
    result = axe.run(loaded.page)
    violations = result.response["violations"]
    assert not violations, (
        f"axe-core {result.response.get('testEngine', {}).get('version', '')} found "
        f"{len(violations)} violation(s) on the {kind} page {sample_pages[kind]} "
        f"(prefers-color-scheme: {scheme}):\n{_format_violations(violations)}"
    )


@pytest.mark.parametrize("kind", KINDS)
def test_page_loads_without_errors_or_failed_requests(open_page, sample_pages, kind):
    problems = open_page(kind).problems
    assert not problems, f"loading the {kind} page {sample_pages[kind]} in Chromium:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("kind", KINDS)
def test_page_does_not_scroll_sideways_on_a_phone(open_page, sample_pages, kind):
    loaded = open_page(kind, viewport=PHONE)
    widths = loaded.page.evaluate(
        """() => {
            const doc = document.scrollingElement || document.documentElement;
            const wide = [...document.body.querySelectorAll('*')]
                .filter(el => el.getBoundingClientRect().right > doc.clientWidth + 1)
                .filter(el => !el.closest('[hidden]'))
                .slice(0, 5)
                .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                     (el.className && typeof el.className === 'string'
                        ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
                     ' right=' + Math.round(el.getBoundingClientRect().right));
            return {scroll: doc.scrollWidth, client: doc.clientWidth, wide};
        }"""
    )
    assert widths["scroll"] <= widths["client"], (
        f"the {kind} page {sample_pages[kind]} is {widths['scroll']}px wide in a {PHONE['width']}px viewport "
        f"(client width {widths['client']}px); elements sticking out: {widths['wide']}"
    )


LABELS = """(selector) => [...document.querySelector(selector).querySelectorAll('tbody tr:first-child td')]
    .map(td => getComputedStyle(td, '::before').content)"""


@pytest.mark.parametrize("kind", ["home", "drug"])
def test_on_a_phone_each_cell_of_a_trial_list_is_labelled_with_its_column(open_page, kind):
    """The labels come from the stylesheet by column (no label on each cell): they must be the
    column headings. (The outcome and site tables are labelled the same way.)"""
    page = open_page(kind, viewport=PHONE).page
    headings = page.locator("table.trials thead th").all_inner_texts()[1:]  # the trial's own cell is a heading
    assert page.evaluate(LABELS, "table.trials") == [f'"{heading.capitalize()}: "' for heading in headings]


@contextmanager
def _image(path):
    from PIL import Image

    with Image.open(path) as img:
        yield img.convert("RGB")


@pytest.mark.parametrize(
    ("kind", "scheme", "viewport"),
    [
        ("home", "light", DESKTOP),
        ("home", "dark", DESKTOP),
        ("trial", "light", DESKTOP),
        ("trial", "dark", DESKTOP),
        ("home", "light", PHONE),
        ("trial", "light", PHONE),
    ],
    ids=["home-light", "home-dark", "trial-light", "trial-dark", "home-phone", "trial-phone"],
)
def test_full_page_screenshot_is_not_blank(open_page, screenshot_dir, kind, scheme, viewport):
    loaded = open_page(kind, scheme, viewport)
    size = "phone" if viewport is PHONE else "desktop"
    path = screenshot_dir / f"{kind}-{scheme}-{size}.png"
    loaded.page.screenshot(path=str(path), full_page=True)
    assert path.is_file() and path.stat().st_size > 5_000, f"{path} is missing or tiny"
    with _image(path) as img:
        width, height = img.size
        colours = img.getcolors(maxcolors=1 << 16) or []
        commonest = max(count for count, _ in colours) if colours else 0
    assert width == viewport["width"] and height >= viewport["height"] // 2, f"{path} is {width}x{height}"
    assert len(colours) == 0 or len(colours) >= 16, f"{path} has only {len(colours)} colours: a blank page?"
    assert commonest < 0.999 * width * height, f"{path} is {commonest / (width * height):.1%} one colour: blank?"
