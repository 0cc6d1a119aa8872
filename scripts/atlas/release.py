"""What ties a release together: the data's fingerprint (recorded in CHANGELOG.md), the version and
date (datapackage.json, CITATION.cff, CHANGELOG.md), and the citation in BibTeX."""
from __future__ import annotations

import hashlib
import re

from .package import DataPackage
from .paths import DATAPACKAGE

CHANGELOG_ENTRY = re.compile(r"^## (?P<version>\d+\.\d+\.\d+) \((?P<date>\d{4}-\d{2}-\d{2})\)$", re.MULTILINE)
FINGERPRINT = re.compile(r"Data fingerprint: `sha256:(?P<hash>[0-9a-f]{64})`")


def data_fingerprint(pkg: DataPackage) -> str:
    """SHA-256 over datapackage.json and every resource file, in resource order: any change to the
    data or its description changes it."""
    h = hashlib.sha256()
    for path in [pkg.descriptor] + [pkg.path(r) for r in pkg.resources]:
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def latest_changelog_entry(text: str) -> dict:
    """The first entry of CHANGELOG.md: version, date, and the data fingerprint it records."""
    m = CHANGELOG_ENTRY.search(text)
    if not m:
        raise ValueError("CHANGELOG.md has no entry headed '## X.Y.Z (YYYY-MM-DD)'")
    nxt = CHANGELOG_ENTRY.search(text, m.end())
    body = text[m.end(): nxt.start() if nxt else len(text)]
    fp = FINGERPRINT.search(body)
    return {"version": m["version"], "date": m["date"], "fingerprint": fp["hash"] if fp else None}


def citation_field(text: str, key: str) -> str | None:
    m = re.search(rf'^{re.escape(key)}:\s*"?([^"\n]+)"?\s*$', text, re.MULTILINE)
    return m.group(1).strip() if m else None


def bibtex(pkg: DataPackage, citation: str, url: str) -> str:
    version = pkg.meta["version"]
    year = (citation_field(citation, "date-released") or "")[:4]
    authors = " and ".join(c.get("title", "") for c in pkg.meta.get("contributors", []) if c.get("title"))
    key = f"keievatlas{version.replace('.', '')}"
    return (f"@misc{{{key},\n  author    = {{{{{authors}}}}},\n  title     = {{{{{pkg.meta['title']}}}}},\n"
            f"  year      = {{{year}}},\n  version   = {{{version}}},\n  howpublished = {{Data package}},\n"
            f"  url       = {{{url}}},\n  note      = {{Licensed CC BY 4.0}}\n}}")


def main(argv: list[str] | None = None) -> int:
    """`python -m atlas fingerprint`: print the fingerprint to record in the new CHANGELOG entry."""
    print(f"sha256:{data_fingerprint(DataPackage(DATAPACKAGE))}")
    return 0
