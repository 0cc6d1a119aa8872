"""The release feed: an Atom feed (RFC 4287) with one entry per `## X.Y.Z (YYYY-MM-DD)` heading of
CHANGELOG.md, so that a data user can follow new releases in a feed reader.

Written with the standard library's xml.etree: no feed library is installed in the project's
environment (feedgen is not), and an Atom document of a few entries needs none; ElementTree escapes
every text it writes.
"""
from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

import markdown
from markdown.extensions.toc import slugify

from .package import DataPackage
from .release import CHANGELOG_ENTRY

ATOM = "http://www.w3.org/2005/Atom"
FEED_FILE = "feed.xml"
FEED_TITLE_SUFFIX = "releases"


def releases(changelog: str) -> list[dict]:
    """Every release of CHANGELOG.md, newest first as written: version, date, its body (Markdown) and the
    anchor MkDocs gives its heading on the Changelog page."""
    heads = list(CHANGELOG_ENTRY.finditer(changelog))
    out = []
    for i, m in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(changelog)
        heading = m.group(0)[3:]
        out.append({"version": m["version"], "date": m["date"], "body": changelog[m.end():end].strip(),
                    "anchor": slugify(heading, "-")})
    return out


def _tag(version_or_feed: str, first_date: str) -> str:
    # Atom ids must never change, even if the site moves to another address: a tag URI (RFC 4151) names
    # the release by the project and the date of its first release, not by where it is hosted.
    return f"tag:kei-ev-atlas,{first_date}:{version_or_feed}"


def atom_feed(pkg: DataPackage, changelog: str, site_url: str | None) -> bytes:
    """The feed as bytes. Links are absolute when the published address is known, else relative to the
    feed's own address (the site root), which RFC 4287 resolves against the document's URI."""
    entries = releases(changelog)
    if not entries:
        raise ValueError("CHANGELOG.md has no entry headed '## X.Y.Z (YYYY-MM-DD)'")
    base = site_url.rstrip("/") + "/" if site_url else ""
    first = min(e["date"] for e in entries)
    title = pkg.meta.get("title", pkg.meta.get("name", "data package"))
    authors = [c["title"] for c in pkg.meta.get("contributors", []) if c.get("title")] or [title]

    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")

    def sub(parent, name, text=None, **attrs):
        el = ET.SubElement(parent, f"{{{ATOM}}}{name}", attrs)
        if text is not None:
            el.text = text
        return el

    sub(feed, "id", _tag("releases", first))
    sub(feed, "title", f"{title}: {FEED_TITLE_SUFFIX}")
    sub(feed, "subtitle", pkg.meta.get("description", ""))
    sub(feed, "updated", f"{max(e['date'] for e in entries)}T00:00:00Z")
    sub(feed, "link", rel="self", type="application/atom+xml", href=f"{base}{FEED_FILE}")
    sub(feed, "link", rel="alternate", type="text/html", href=f"{base}changelog/")
    for name in authors:
        sub(sub(feed, "author"), "name", name)
    for lic in pkg.meta.get("licenses", [])[:1]:
        sub(feed, "rights", f"Data: {lic.get('title') or lic.get('name')}")
    for e in entries:
        entry = sub(feed, "entry")
        sub(entry, "id", _tag(f"release:{e['version']}", first))
        sub(entry, "title", f"{title} {e['version']} ({e['date']})")
        sub(entry, "updated", f"{e['date']}T00:00:00Z")
        sub(entry, "published", f"{e['date']}T00:00:00Z")
        sub(entry, "link", rel="alternate", type="text/html", href=f"{base}changelog/#{e['anchor']}")
        sub(entry, "content", markdown.markdown(e["body"]), type="html")
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def write_feed(pkg: DataPackage, changelog: str, site_url: str | None, docs: Path) -> Path:
    """Write the feed at the site root (MkDocs copies it from the staged docs as it is)."""
    path = docs / FEED_FILE
    path.write_bytes(atom_feed(pkg, changelog, site_url))
    return path


def feed_link_line(page: str) -> str:
    """The sentence that points a reader of `page` (a path under docs/) to the feed."""
    depth = len(Path(page).with_suffix("").parts) - (1 if Path(page).stem == "index" else 0)
    return (f'New releases as a feed: <a href="{"../" * depth}{FEED_FILE}" type="application/atom+xml">'
            f"{FEED_FILE}</a> (Atom), one entry per release.")


def add_feed_link(page_path: Path, page: str) -> None:
    """Append the feed sentence to a staged page (the Changelog, the Download page)."""
    text = page_path.read_text(encoding="utf-8").rstrip("\n")
    page_path.write_text(text + "\n\n" + feed_link_line(page) + "\n", encoding="utf-8")

