"""Screenshots of the main pages for the README: `make screenshots` (needs Debian's chromium, and a Japanese
font such as Debian's fonts-ipafont-gothic: without one, the Japanese names on the pages show as boxes).

Serves build/site on a local port, opens each page in Chromium at a desktop and a phone width, and
writes PNGs to screenshots/ (outside docs/, so the site does not carry them).
"""
from __future__ import annotations

import functools
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "build" / "site"
OUT = ROOT / "screenshots"
PAGES = {"home": "/", "lineage": "/lineage/", "market": "/market/", "sales": "/sales/", "plants": "/plants/"}
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main() -> int:
    if not (SITE / "index.html").exists():
        print("build the site first: make site", file=sys.stderr)
        return 1
    if not subprocess.run(["fc-list", ":lang=ja"], capture_output=True, text=True).stdout.strip():
        print("no Japanese font: install one (apt-get install fonts-ipafont-gothic), or the pictures show boxes", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(SITE)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
            # Desktop and phone width, light and dark; chart pages scrolled to their first chart.
            for width, size in ((1280, ""), (390, "-phone")):
                for scheme in ("light", "dark"):
                    page = browser.new_page(viewport={"width": width, "height": 900 if width > 600 else 844}, color_scheme=scheme)
                    for name, path in PAGES.items():
                        page.goto(base + path, wait_until="networkidle")
                        chart = page.locator("figure.atlas-chart").first
                        if name != "home" and chart.count():
                            chart.evaluate("f => window.scrollTo(0, f.getBoundingClientRect().top + window.scrollY - 64)")  # below the sticky header
                            page.wait_for_timeout(150)
                        page.screenshot(path=OUT / f"{name}{size}{'-dark' if scheme == 'dark' else ''}.png", full_page=False)
                    page.close()
            browser.close()
    finally:
        httpd.shutdown()
    print(f"screenshots in {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
