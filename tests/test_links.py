"""Every internal link in the built site resolves: links written in raw HTML (which MkDocs' own
validation does not see), anchors, asset URLs, and data URLs inside chart specs."""
from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        for attr in ("href", "src"):
            if a.get(attr) and tag in ("a", "img", "link", "script", "source"):
                self.links.append(a[attr])


def parse(page: Path) -> Links:
    p = Links()
    p.feed(page.read_text(encoding="utf-8"))
    return p


def target_of(page: Path, link: str, site: Path) -> tuple[Path, str]:
    u = urlparse(link)
    if u.path.startswith("/"):  # 404.html uses root-absolute links: the site is served from its root
        path = (site / unquote(u.path).lstrip("/")).resolve()
    else:
        path = (page.parent / unquote(u.path)).resolve() if u.path else page
    if u.path.endswith("/") or path.is_dir():
        path = path / "index.html"
    return path, u.fragment


def test_every_internal_link_and_anchor_resolves(tiny_site):
    broken = []
    parsed = {}
    checked = 0
    for page in tiny_site.rglob("*.html"):
        for link in parse(page).links:
            u = urlparse(link)
            if u.scheme or link.startswith(("//", "mailto:")):
                continue
            checked += 1
            target, fragment = target_of(page, link, tiny_site)
            if not target.exists():
                broken.append(f"{page.relative_to(tiny_site)}: {link}")
                continue
            if fragment and target.suffix == ".html":
                ids = parsed.setdefault(target, parse(target).ids)
                if fragment not in ids:
                    broken.append(f"{page.relative_to(tiny_site)}: {link} (no such anchor)")
    assert not broken, "\n".join(broken[:30])
    assert checked > 1000  # every page's navigation, tables and figures were read


def test_data_urls_in_chart_specs_resolve(tiny_site):
    def urls(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "url" and isinstance(v, str):
                    yield v
                else:
                    yield from urls(v)
        elif isinstance(node, list):
            for v in node:
                yield from urls(v)

    for spec in (tiny_site / "charts").glob("*.vl.json"):
        for url in urls(json.loads(spec.read_text(encoding="utf-8"))):
            assert not urlparse(url).scheme, (spec.name, url)  # never another host
            assert (tiny_site / url).exists(), (spec.name, url)
