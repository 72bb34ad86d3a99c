"""Browser tests: Playwright for Python driving Debian's Chromium (``/usr/bin/chromium``)
against pytest-django's ``live_server``, with axe-core (``tests/browser/node_modules``,
installed by ``npm ci --prefix tests/browser``) injected for accessibility checks.

Playwright's own browser download is never used. When Chromium, Playwright or axe-core
is missing, the tests are skipped with the reason, unless ``CREDSTACK_BROWSER_TESTS`` is
``required`` (as ``make test`` sets it once it installs them): then they fail.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.verification.conftest import no_rate_limit, signed, status_list

__all__ = [
    "axe_violations",
    "browser",
    "no_rate_limit",
    "response_sizes",
    "signed",
    "status_list",
]

CHROMIUM = os.environ.get("CREDSTACK_CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _missing() -> str | None:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install playwright)"
    if not AXE.exists():
        return f"axe-core is not installed at {AXE} (npm ci --prefix tests/browser)"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    missing = _missing()
    if missing is not None:
        if os.environ.get("CREDSTACK_BROWSER_TESTS") == "required":
            pytest.fail(f"browser tests cannot run: {missing}")
        pytest.skip(f"browser tests need: {missing}")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread, which makes Django refuse
    # database calls (test database setup, flushes) here; none runs concurrently with it.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A page the size of a small phone (360 × 740 CSS pixels, touch)."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, device_scale_factor=2, has_touch=True
    )
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def no_script_page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(java_script_enabled=False)
    try:
        yield context.new_page()
    finally:
        context.close()


def response_sizes(page: Any) -> list[int]:
    """The body size of every response ``page`` receives from now on (a page's weight)."""
    sizes: list[int] = []
    page.on("response", lambda response: sizes.append(len(response.body())))
    return sizes


def axe_violations(page: Any, *, impacts: tuple[str, ...] = ("serious", "critical")) -> list[Any]:
    """axe-core's WCAG 2.x A/AA violations of the page's current state at ``impacts``."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                             "wcag22aa", "best-practice"]},
            resultTypes: ["violations"],
        })"""
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in impacts
    ]
