"""What makes the staged site findable and followable, added after every page is staged: the release
feed and its links, "Last updated" on the pages that show data, the Dataset markup on Home and
Download, and each page's share card (front matter that overrides/main.html turns into meta tags)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .dataset_markup import add_dataset_markup, dataset_jsonld, jsonld_script
from .feed import add_feed_link, releases, write_feed
from .last_updated import add_last_updated, changelog_text, last_updated_html, release_date
from .package import DataPackage
from .pages import MARKER, root_prefix
from .share_cards import share_meta, with_front_matter, write_site_card

FEED_PAGES = ("changelog.md", "download.md")
DATASET_PAGES = ("index.md", "download.md")


def page_url(page: str) -> str:
    """The page's address relative to the site root, with MkDocs' directory URLs ('' for the home page)."""
    stem = Path(page).with_suffix("").as_posix()
    if stem == "index":
        return ""
    return (stem[: -len("/index")] if stem.endswith("/index") else stem) + "/"


def data_pages(staged: Path, originals: dict[str, str], generated: list[Path]) -> list[str]:
    """Pages that show data: hand-written pages that place a chart or a block, every generated page, and
    the Download page."""
    pages = {rel for rel, text in originals.items() if MARKER.search(text)}
    pages |= {p.relative_to(staged).as_posix() for p in generated}
    pages.add("download.md")
    return sorted(p for p in pages if (staged / p).exists())


def add_findability(pkg: DataPackage, tables: dict[str, pd.DataFrame], staged: Path, originals: dict[str, str],
                    generated: list[Path], chart_alts: dict[str, str], site_url: str | None, site_card=None) -> None:
    """`site_card`: a future of the site card's PNG, drawn elsewhere (a clean build's chart workers), or None."""
    changelog = changelog_text(pkg)
    version = pkg.meta["version"]
    released = release_date(pkg, changelog)
    if changelog:
        write_feed(pkg, changelog, site_url, staged)
        for page in FEED_PAGES:
            if (staged / page).exists():
                add_feed_link(staged / page, page)
    for page in data_pages(staged, originals, generated):
        add_last_updated(staged / page, last_updated_html(version, released, root_prefix(page)))
    dates = [r["date"] for r in releases(changelog)] or [released]
    for page in DATASET_PAGES:
        if (staged / page).exists():
            data = dataset_jsonld(pkg, tables, staged / "data" / f"v{version}", prefix=root_prefix(page), site_url=site_url,
                                  first_released=min(dates), released=released, page_url=page_url(page))
            add_dataset_markup(staged / page, jsonld_script(data))
    if site_card is None:
        write_site_card(pkg, released, staged)
    else:
        write_site_card(pkg, released, staged, site_card.result())
    title = pkg.meta.get("title", pkg.meta["name"])
    for path in sorted(staged.rglob("*.md")):
        rel = path.relative_to(staged).as_posix()
        text = path.read_text(encoding="utf-8")
        # The first chart is looked up in the page as written (its markers), before they became figures.
        meta = share_meta(originals.get(rel, text), pkg.meta.get("description", title), staged / "charts", chart_alts, title)
        path.write_text(with_front_matter(text, meta), encoding="utf-8")
