"""Share cards: what a link to a page shows when it is pasted into a chat or a social post.

Each page gets a description (its own first paragraph) and an image: the PNG of the page's first chart
when the build has made one (charts/<slug>.png), else the site card, a PNG drawn here from a small Vega
spec by vl-convert (its own bundled fonts; nothing is fetched). The values travel to the theme as page
front matter (`description`, `atlas_image`, ...), which overrides/main.html turns into Open Graph and
Twitter meta tags.
"""
from __future__ import annotations

import json
import re
import struct
import textwrap
from html import escape
from pathlib import Path

import vl_convert as vlc

from .package import DataPackage

CARD = "assets/images/site-card.png"
CARD_SIZE = (1200, 630)
DESCRIPTION_CHARS = 200
CHART_MARKER = re.compile(r"^\[\[chart:([a-z0-9-]+)\]\]$", re.MULTILINE)


def site_card_spec(pkg: DataPackage, release_date: str) -> dict:
    """A Vega spec of the card: the package's title, its description and the release, on the site's indigo."""
    w, h = CARD_SIZE
    lines = textwrap.wrap(pkg.meta.get("description", ""), 60)
    if len(lines) > 6:  # a cut sentence must say that it is cut
        lines = lines[:6]
        lines[-1] = lines[-1].rsplit(" ", 1)[0] + " …"
    lic = (pkg.meta.get("licenses") or [{}])[0]
    foot = f"Version {pkg.meta.get('version', '')} · {release_date} · data {lic.get('name', '')}"

    def text(y, value, size, weight="normal", colour="#ffffff"):
        return {"type": "text", "encode": {"enter": {
            "x": {"value": 72}, "y": {"value": y}, "text": {"value": value}, "fontSize": {"value": size},
            "fontWeight": {"value": weight}, "fill": {"value": colour}, "baseline": {"value": "top"},
            "font": {"value": "sans-serif"}, "lineHeight": {"value": round(size * 1.35)}}}}

    return {
        "$schema": "https://vega.github.io/schema/vega/v5.json",
        "width": w, "height": h, "padding": 0, "background": "#3f51b5",
        "marks": [
            text(72, pkg.meta.get("title", pkg.meta.get("name", "")), 84, "bold"),
            text(200, lines, 34, colour="#e8eaf6"),
            text(h - 96, foot, 30, colour="#c5cae9"),
        ],
    }


def write_site_card(pkg: DataPackage, release_date: str, docs: Path, drawn: bytes | None = None) -> Path:
    """The card, as `drawn` (the PNG a clean build's chart workers drew from site_card_spec) or drawn here."""
    path = docs / CARD
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(drawn if drawn is not None else vlc.vega_to_png(site_card_spec(pkg, release_date), scale=1))
    return path


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk (bytes 16 to 24)."""
    with path.open("rb") as f:
        head = f.read(24)
    return struct.unpack(">II", head[16:24])


def first_chart(markdown_text: str) -> str | None:
    """The slug of the page's first `[[chart:slug]]` marker: the chart a share card shows."""
    m = CHART_MARKER.search(markdown_text)
    return m.group(1) if m else None


def page_description(markdown_text: str, fallback: str) -> str:
    """The page's first paragraph of prose as plain text, cut at a word before DESCRIPTION_CHARS."""
    for block in re.split(r"\n\s*\n", markdown_text):
        block = block.strip()
        if not block or block.startswith(("#", "[[", "<", "|", "```", "!!!", "---", "- ", "* ", "1.")):
            continue
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)(\{[^}]*\})?", r"\1", block)  # links keep their words
        text = re.sub(r"<[^>]+>|[`*_]", "", text)
        return _cut(" ".join(text.split()))
    return _cut(fallback)


def _cut(text: str) -> str:
    if len(text) <= DESCRIPTION_CHARS:
        return text
    return text[:DESCRIPTION_CHARS].rsplit(" ", 1)[0].rstrip(",;:.") + " …"


def share_meta(markdown_text: str, fallback_description: str, charts_dir: Path, chart_alts: dict[str, str],
               site_title: str) -> dict[str, str]:
    """The front-matter values of one page (paths relative to the site root)."""
    slug = first_chart(markdown_text)
    png = charts_dir / f"{slug}.png" if slug else None
    if png is not None and png.exists():
        image, size, alt = f"charts/{slug}.png", png_size(png), chart_alts.get(slug, site_title)
    else:
        image, size, alt = CARD, CARD_SIZE, f"{site_title}: the site card"
    # Escaped here: MkDocs renders templates without autoescape, and Material's base.html writes
    # `description` into an attribute as it is; a quote in a CSV's text must not end that attribute.
    return {"description": escape(page_description(markdown_text, fallback_description), quote=True), "atlas_image": image,
            "atlas_image_width": str(size[0]), "atlas_image_height": str(size[1]), "atlas_image_alt": escape(alt, quote=True)}


def with_front_matter(text: str, meta: dict[str, str]) -> str:
    """`text` with `meta` added to its YAML front matter (made if absent). Values are written as JSON
    strings, which YAML reads as double-quoted strings whatever they contain."""
    lines = "".join(f"{k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in meta.items())
    if text.startswith("---\n"):
        return "---\n" + lines + text[4:]
    return "---\n" + lines + "---\n\n" + text
