"""Browser fixtures: the app on a loopback port, driven by Debian's Chromium via Playwright."""

import os
import shutil
import threading
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("RALLY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 390, "height": 844}


def log_in(page, live_server, email, password, next_path=None):
    """Log ``page`` in through the log-in form, as a person does; returns the path of the
    page it lands on (``next_path`` when given)."""
    page.goto(live_server + "/auth/login" + (f"?next={next_path}" if next_path else ""))
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.locator("form [type=submit]").click()
    if next_path:
        page.wait_for_url(f"**{next_path}")
    else:
        page.wait_for_load_state()
    assert "/auth/login" not in page.url
    return urlsplit(page.url).path


@pytest.fixture
def live_server(app):
    """Serve ``app`` on 127.0.0.1 in a thread; yields the base URL.

    At the end it waits for requests still being answered (a page's script may have asked
    just before the browser closed): their database connections must be back in the pool
    before the ``app`` fixture disposes of it, or they are left open."""
    busy, lock, idle = [0], threading.Lock(), threading.Event()
    idle.set()

    def counted(environ, start_response):
        with lock:
            busy[0] += 1
            idle.clear()
        try:
            answer = app(environ, start_response)
            try:
                return list(answer)  # the whole answer, here
            finally:
                if hasattr(answer, "close"):
                    answer.close()
        finally:
            with lock:
                busy[0] -= 1
                if not busy[0]:
                    idle.set()

    server = make_server("127.0.0.1", 0, counted, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    app.config["RALLY_BASE_URL"] = base_url
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base_url
    server.shutdown()
    thread.join()
    assert idle.wait(15), "a request was still being answered"
    import gc

    gc.collect()  # a connection left open warns here, in the test that left it


# Every page must work under the app's Content-Security-Policy: Chromium logs each refused
# script, style, image or request on the console, and the page sees a
# securitypolicyviolation event; either fails the test that opened the page.
CSP_VIOLATIONS: list[str] = []
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (event) {
  window.__rallyCspViolation([event.violatedDirective, event.blockedURI, event.sourceFile,
                              event.lineNumber, event.sample].join(" "));
});
"""


def watch_csp(context) -> None:
    """Record the Content-Security-Policy violations of every page of ``context``."""

    def on_console(message):
        if "Content Security Policy" in message.text:
            CSP_VIOLATIONS.append(f"{message.location.get('url')}: {message.text}")

    def on_event(source, text):
        CSP_VIOLATIONS.append(f"{source['frame'].url}: securitypolicyviolation {text}")

    context.on("console", on_console)
    context.expose_binding("__rallyCspViolation", on_event)
    context.add_init_script(REPORT_VIOLATIONS)


class CspWatchingBrowser:
    """The Playwright browser whose new contexts report CSP violations (``watch_csp``)."""

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, **options):
        context = self._browser.new_context(**options)
        watch_csp(context)
        return context

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run the README's test command.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield CspWatchingBrowser(browser)
        browser.close()


@pytest.fixture(autouse=True)
def no_csp_violations():
    """Fail the test (at teardown) if any page it opened broke the Content-Security-Policy."""
    CSP_VIOLATIONS.clear()
    yield
    found, CSP_VIOLATIONS[:] = list(CSP_VIOLATIONS), []
    if found:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(found), pytrace=False)


@pytest.fixture
def phone(browser):
    """A fresh phone-sized browser context (its own cookies), Japanese by default."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="ja-JP")
    page = context.new_page()
    yield page
    context.close()
