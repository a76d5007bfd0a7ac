"""Driving Debian's Chromium (the `browser` fixture, tests/conftest.py): a page
of a given width, sideways overflow, and axe-core's accessibility report."""
from __future__ import annotations

from contextlib import contextmanager

from tests.support import ROOT

AXE = ROOT / ".cache/node/node_modules/axe-core/axe.min.js"


@contextmanager
def open_page(browser, width=390, height=None, **options):
    height = height or (844 if width < 800 else 800)
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    try:
        yield context.new_page()
    finally:
        context.close()


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def axe_violations(page) -> list[dict]:
    assert AXE.is_file(), "axe-core missing: run `make axe` (make test does)"
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
        .violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                               nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))""")
