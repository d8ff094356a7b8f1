"""axe-core (shipped in the axe-playwright-python package) run inside a Playwright page."""

import os

import axe_playwright_python

AXE_JS = os.path.join(os.path.dirname(axe_playwright_python.__file__), "axe.min.js")
BLOCKING = {"serious", "critical"}


def violations(page, impacts=BLOCKING) -> list[str]:
    """axe's violations on the page's current document whose impact is in ``impacts``."""
    page.add_script_tag(path=AXE_JS)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in impacts
    ]
