"""The Download page: every published file with its size and checksum, snippets for the tools data
users reach for, and the citation. Generated after the downloads, from the files themselves."""
from __future__ import annotations

from html import escape
from pathlib import Path

from .downloads import BUNDLE, sha256
from .package import DataPackage
from .release import bibtex

# Replaced in the browser by the site's own address (charts.js) when the build did not know it.
SITE_TOKEN = "https://SITE/"
FORMATS = {".csv": "CSV", ".json": "JSON records", ".parquet": "Parquet", ".sqlite": "SQLite", ".zip": "zip (whole package)"}


def _size(n: int) -> str:
    return f"{n:,} B" if n < 1024 else f"{n / 1024:,.1f} KiB" if n < 1024 * 1024 else f"{n / 1024 / 1024:,.2f} MiB"


def _code(lang: str, text: str) -> str:
    return f'<pre class="atlas-snippet"><code class="language-{lang}">{escape(text)}</code></pre>'


def download_page(pkg: DataPackage, release_dir: Path, citation: str, site_url: str | None) -> str:
    version = pkg.meta["version"]
    base = (site_url.rstrip("/") + "/") if site_url else SITE_TOKEN
    latest = f"{base}data/latest/"
    rows = []
    for path in sorted(p for p in release_dir.iterdir() if p.is_file()):  # charts/ holds each chart's own files
        kind = "datapackage.json" if path.name == "datapackage.json" else "checksums" if path.name == "SHA256SUMS" else FORMATS.get(path.suffix, path.suffix)
        rows.append(f'<tr><td><a href="../data/latest/{escape(path.name)}" download>{escape(path.name)}</a></td><td>{escape(kind)}</td>'
                    f'<td class="atlas-num">{_size(path.stat().st_size)}</td><td><code class="atlas-hash">{sha256(path)}</code></td></tr>')
    snippets = [
        ("pandas", "python", f'import pandas as pd\n\nsales = pd.read_csv("{latest}sales.csv")\nsales_parquet = pd.read_parquet("{latest}sales.parquet")'),
        ("frictionless (Python)", "python", f'from frictionless import Package\n\npackage = Package("{latest}datapackage.json")\nsales = package.get_resource("sales").to_pandas()'),
        ("R (frictionless)", "r", f'library(frictionless)\n\npackage <- read_package("{latest}datapackage.json")\nsales <- read_resource(package, "sales")'),
        ("DuckDB", "sql", f"SELECT model_id, period, units\nFROM read_csv_auto('{latest}sales.csv')\nWHERE model_id = 'nissan-sakura' AND preferred\nORDER BY period_start;"),
        ("sqlite3", "sh", f'curl -LO {latest}{BUNDLE}.sqlite\nsqlite3 {BUNDLE}.sqlite "SELECT model_id, period, units FROM sales WHERE preferred LIMIT 5;"'),
        ("Check the files", "sh", f"curl -LO {latest}{BUNDLE}.zip -LO {latest}SHA256SUMS\nsha256sum --check --ignore-missing SHA256SUMS"),
    ]
    parts = [
        "# Download",
        "",
        f"The whole package, version **{escape(version)}**, in every format. Two addresses serve it: "
        f"`data/latest/` always holds the newest release, and `data/v{escape(version)}/` holds this version for good, "
        "so cite and script against the versioned one. The CSV files are byte for byte the ones in the repository; "
        "the JSON, Parquet and SQLite files carry the same rows with their types, and the Parquet and SQLite files "
        "carry each field's description and unit. Every file is listed in `SHA256SUMS`.",
        "",
        f'<p><a class="md-button md-button--primary" href="../data/latest/{BUNDLE}.zip" download>Download everything ({BUNDLE}.zip)</a> '
        f'<a class="md-button" href="../data/v{escape(version)}/datapackage.json">datapackage.json of version {escape(version)}</a></p>',
        "",
        '<div class="atlas-table-wrap"><table>',
        '<thead><tr><th scope="col">File</th><th scope="col">Format</th><th scope="col">Size</th><th scope="col">SHA-256</th></tr></thead>',
        "<tbody>", *rows, "</tbody></table></div>",
        "",
        "## Use it",
        "",
    ]
    for title, lang, code in snippets:
        parts += [f"### {title}", "", _code(lang, code), ""]
    parts += [
        "## Licence and citation",
        "",
        "The data are licensed [CC BY 4.0](https://creativecommons.org/licenses/by/4.0/): share and adapt them, "
        "with credit. Each row's `source_id` names the document behind its figures; please keep it. The "
        "repository's `CITATION.cff` holds the citation; in BibTeX:",
        "",
        _code("bibtex", bibtex(pkg, citation, f"{base}data/v{version}/")),
        "",
        "What changed in each version: [Changelog](changelog.md).",
        "",
    ]
    return "\n".join(parts)
