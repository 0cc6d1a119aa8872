""""Last updated" on the pages that show data: the date of the release they were built from, under the
page's title, linked to the Changelog, so a reader knows how current a figure is."""
from __future__ import annotations

import re
from html import escape
from pathlib import Path

from .package import DataPackage
from .release import CHANGELOG_ENTRY

H1 = re.compile(r"^# .*$", re.MULTILINE)


def changelog_text(pkg: DataPackage) -> str:
    """The project's CHANGELOG.md, beside datapackage.json ("" when it has none)."""
    path = pkg.root / "CHANGELOG.md"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def release_date(pkg: DataPackage, changelog: str) -> str:
    """The date of this version's entry in CHANGELOG.md; else the descriptor's `created` date."""
    for m in CHANGELOG_ENTRY.finditer(changelog):
        if m["version"] == pkg.meta.get("version"):
            return m["date"]
    return str(pkg.meta.get("created", ""))[:10]


def last_updated_html(version: str, date: str, prefix: str) -> str:
    return (f'<p class="atlas-updated">Last updated <time datetime="{escape(date)}">{escape(date)}</time> '
            f'(release {escape(version)}, <a href="{prefix}changelog/">what changed</a>).</p>')


def add_last_updated(page_path: Path, line: str) -> None:
    """Put `line` under the page's first heading (at the top when it has none)."""
    text = page_path.read_text(encoding="utf-8")
    m = H1.search(text)
    new = text[:m.end()] + "\n\n" + line + "\n" + text[m.end():] if m else line + "\n\n" + text
    page_path.write_text(new, encoding="utf-8")
