"""Browser helpers for tests: Debian's Chromium driven by Playwright, and axe-core in the page.

Playwright never downloads a browser here: it starts the system Chromium
(``/usr/bin/chromium``, or ``SAMVERKAN_CHROMIUM``). axe-core is the copy shipped
in the PyPI package ``axe-playwright-python``, injected into the page as a script.
Tests that need these are marked ``browser`` (:data:`needs_chromium`); ``conftest.py`` skips
them with :data:`MISSING` as the reason where something is missing – except under ``CI=true``,
where a missing browser stops the run.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("SAMVERKAN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--lang=sv-SE", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# The WCAG 2.1 levels A and AA, as axe-core tags its rules.
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _missing() -> str | None:
    """Return what is missing to run a browser test, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright saknas (pip install -e '.[test]')"
    if not Path(CHROMIUM).is_file():
        return f"Chromium saknas ({CHROMIUM}; apt-get install chromium)"
    if axe_script_path() is None:
        return "axe-core saknas (pip install -e '.[test]' installerar axe-playwright-python)"
    return None


def axe_script_path() -> Path | None:
    """Return the axe-core script shipped with axe-playwright-python, or None."""
    try:
        import axe_playwright_python
    except ImportError:
        return None
    path = Path(axe_playwright_python.__file__).parent / "axe.min.js"
    return path if path.is_file() else None


MISSING = _missing()
needs_chromium = pytest.mark.browser  # skipped where MISSING says what is missing (conftest.py)


@contextlib.contextmanager
def chromium(viewport: dict | None = None, bypass_csp: bool = False):
    """Yield a new page in the system Chromium, started with the flags for a headless test run;
    close everything afterwards. ``bypass_csp``: let the test put axe-core into a page whose
    Content-Security-Policy allows no inline script (the web app's)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900}, locale="sv-SE",
                                          bypass_csp=bypass_csp)
            yield context.new_page()
        finally:
            browser.close()


def axe_violations(page, tags: list[str] = WCAG_21_AA) -> list[dict]:
    """Return the axe-core violations of the page as it is now, for the rules with ``tags``
    (default: WCAG 2.1 level A and AA). Each violation has ``id``, ``impact``, ``help`` and
    ``nodes`` (with ``target`` and ``html``)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_script_path().read_text(encoding="utf-8"))
    result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, "
                           "resultTypes: ['violations']})", tags)
    return result["violations"]


def describe(violations: list[dict]) -> str:
    """Return violations as readable lines for an assertion message."""
    lines = []
    for violation in violations:
        for node in violation["nodes"]:
            lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} – {node['target']}: "
                         f"{node['html'][:120]}")
    return "\n".join(lines)
