"""Issue 12, what makes the site findable: the release feed, "Last updated", the Dataset markup, the
share cards, the plant names in the Plants page's text, and the compiled Vega specs. Read from the
`tiny` fixture's build (its own rows, the repository's pages and CHANGELOG.md), or from small inputs
written here whose right answers are known by hand."""
from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urljoin
from xml.etree import ElementTree as ET

from projects import page

from atlas.feed import atom_feed, feed_link_line, releases
from atlas.package import DataPackage
from atlas.paths import ROOT
from atlas.share_cards import CARD, page_description, png_size, share_meta, with_front_matter

ATOM = "{http://www.w3.org/2005/Atom}"
CHANGELOG = """# Changelog

Intro.

## 1.1.0 (2027-02-03)

- Added *two* rows & a <b>tag</b>.

## 1.0.0 (2027-01-02)

- First.
"""


def built_pages(site: Path) -> list[str]:
    return sorted("" if p.parent == site else p.parent.relative_to(site).as_posix() + "/" for p in site.rglob("index.html"))


def changelog_headings() -> list[tuple[str, str]]:
    """Read here with a pattern of the test's own, not the code's."""
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    return re.findall(r"^## (\d+\.\d+\.\d+) \((\d{4}-\d\d-\d\d)\)\s*$", text, re.MULTILINE)


# --- the feed ---------------------------------------------------------------------------------------

def test_the_feed_has_one_entry_per_release_with_its_date_link_and_text():
    pkg = DataPackage(ROOT / "datapackage.json")
    feed = ET.fromstring(atom_feed(pkg, CHANGELOG, "https://example.org/atlas/"))
    assert feed.find(f"{ATOM}updated").text == "2027-02-03T00:00:00Z"
    assert [(l.get("rel"), l.get("href")) for l in feed.findall(f"{ATOM}link")] == [
        ("self", "https://example.org/atlas/feed.xml"), ("alternate", "https://example.org/atlas/changelog/")]
    entries = [(e.find(f"{ATOM}id").text, e.find(f"{ATOM}title").text, e.find(f"{ATOM}updated").text,
                e.find(f"{ATOM}link").get("href"), e.find(f"{ATOM}content").text) for e in feed.findall(f"{ATOM}entry")]
    assert entries == [
        ("tag:kei-ev-atlas,2027-01-02:release:1.1.0", "Kei EV Atlas 1.1.0 (2027-02-03)", "2027-02-03T00:00:00Z",
         "https://example.org/atlas/changelog/#110-2027-02-03", "<ul>\n<li>Added <em>two</em> rows &amp; a <b>tag</b>.</li>\n</ul>"),
        ("tag:kei-ev-atlas,2027-01-02:release:1.0.0", "Kei EV Atlas 1.0.0 (2027-01-02)", "2027-01-02T00:00:00Z",
         "https://example.org/atlas/changelog/#100-2027-01-02", "<ul>\n<li>First.</li>\n</ul>"),
    ]


def test_without_the_published_address_the_feed_links_relative_to_the_site_root():
    feed = ET.fromstring(atom_feed(DataPackage(ROOT / "datapackage.json"), CHANGELOG, None))
    assert [e.find(f"{ATOM}link").get("href") for e in feed.findall(f"{ATOM}entry")] == [
        "changelog/#110-2027-02-03", "changelog/#100-2027-01-02"]


def test_the_built_feed_lists_every_release_of_the_changelog_with_its_date(tiny_site):
    feed = ET.parse(tiny_site / "feed.xml").getroot()
    listed = [(e.find(f"{ATOM}title").text, e.find(f"{ATOM}updated").text[:10]) for e in feed.findall(f"{ATOM}entry")]
    assert listed == [(f"Kei EV Atlas {v} ({d})", d) for v, d in changelog_headings()]
    assert len(listed) >= 2


def test_every_entry_links_to_its_heading_on_the_changelog_page(tiny_site):
    ids = {h["id"] for h in page(tiny_site, "changelog").select("h2[id]")}
    links = [e.find(f"{ATOM}link").get("href") for e in ET.parse(tiny_site / "feed.xml").getroot().findall(f"{ATOM}entry")]
    assert [l.split("#")[1] for l in links if l.split("#")[1] in ids] == [l.split("#")[1] for l in links]


def test_every_page_names_the_feed_in_its_head(tiny_site):
    wrong = {}
    for url in built_pages(tiny_site):
        links = page(tiny_site, url).select('head link[rel="alternate"][type="application/atom+xml"]')
        target = [(tiny_site / url / l["href"]).resolve() for l in links]
        if target != [(tiny_site / "feed.xml").resolve()]:
            wrong[url] = [l["href"] for l in links]
    assert wrong == {}


def test_the_changelog_and_download_pages_link_the_feed_in_their_text(tiny_site):
    for url in ("changelog", "download"):
        links = [a["href"] for a in page(tiny_site, url).select("article a[href$='feed.xml']")]
        assert links == ["../feed.xml"], url
    assert feed_link_line("changelog.md") == ('New releases as a feed: <a href="../feed.xml" type="application/atom+xml">'
                                              "feed.xml</a> (Atom), one entry per release.")


def test_releases_give_the_anchor_mkdocs_gives_the_heading():
    assert [(r["version"], r["date"], r["anchor"]) for r in releases(CHANGELOG)] == [
        ("1.1.0", "2027-02-03", "110-2027-02-03"), ("1.0.0", "2027-01-02", "100-2027-01-02")]


# --- Last updated -----------------------------------------------------------------------------------

def test_last_updated_is_on_exactly_the_pages_that_show_data_with_the_release_date(tiny_site):
    version, date = changelog_headings()[0]
    shown = {}
    for url in built_pages(tiny_site):
        for p in page(tiny_site, url).select("p.atlas-updated"):
            shown[url] = (p.get_text(" ", strip=True), p.time["datetime"])
    expected_text = f"Last updated {date} (release {version}, what changed )."
    data_pages = ["", "conflicts/", "data/", "download/", "lineage/", "market/", "methodology/", "plants/", "sales/",
                  "sources/", "story/"] + [f"data/{r}/" for r in DataPackage(ROOT / "datapackage.json").resources]
    assert shown == {url: (expected_text, date) for url in sorted(data_pages)}


# --- Dataset markup ---------------------------------------------------------------------------------

def dataset_markup(site: Path, url: str) -> dict:
    scripts = [json.loads(s.string) for s in page(site, url).find_all("script", type="application/ld+json")]
    datasets = [s for s in scripts if s.get("@type") == "Dataset"]
    assert len(datasets) == 1, url
    return datasets[0]


def test_the_dataset_markup_names_the_package_its_coverage_and_licence(tiny_site):
    pkg = DataPackage(ROOT / "datapackage.json")
    version, date = changelog_headings()[0]
    for url in ("", "download/"):
        d = dataset_markup(tiny_site, url)
        assert {k: d[k] for k in ("@context", "name", "description", "version", "license", "keywords", "creator",
                                  "dateModified", "temporalCoverage", "spatialCoverage", "isAccessibleForFree")} == {
            "@context": "https://schema.org/", "name": "Kei EV Atlas", "description": pkg.meta["description"], "version": version,
            "license": "https://creativecommons.org/licenses/by/4.0/", "keywords": pkg.meta["keywords"],
            "creator": [{"@type": "Organization", "name": "Kei EV Atlas maintainers"}], "dateModified": date,
            # the tiny fixture's earliest event (1947-01-01) and its latest period end (FY2023's, 2024-03-31)
            "temporalCoverage": "1947-01-01/2024-03-31",
            "spatialCoverage": [{"@type": "Place", "name": "United Kingdom", "identifier": "GB"},
                                {"@type": "Place", "name": "Japan", "identifier": "JP"}, {"@type": "Place", "name": "World"}],
            "isAccessibleForFree": True}, url
        assert d["citation"].startswith(f"Kei EV Atlas maintainers. Kei EV Atlas (dataset), version {version}, {date}. ")


def test_every_published_file_is_a_distribution_whose_address_exists_in_the_site(tiny_site):
    version = changelog_headings()[0][0]
    release = tiny_site / "data" / f"v{version}"
    published = sorted(p.name for p in release.iterdir() if p.is_file())  # charts/ holds each chart's own files
    formats = {".csv": "text/csv", ".json": "application/json", ".parquet": "application/vnd.apache.parquet",
               ".sqlite": "application/vnd.sqlite3", ".zip": "application/zip", "": "text/plain"}
    for url in ("", "download/"):
        dist = dataset_markup(tiny_site, url)["distribution"]
        base = f"http://site.test/{url}"
        files = [urljoin(base, d["contentUrl"]).removeprefix("http://site.test/") for d in dist]
        assert files == [f"data/v{version}/{name}" for name in published], url
        assert [f for f in files if not (tiny_site / f).is_file()] == []
        assert [d["encodingFormat"] for d in dist] == [formats[Path(n).suffix] for n in published]


def test_the_markup_cannot_be_ended_by_text_inside_it():
    from atlas.dataset_markup import jsonld_script

    script = jsonld_script({"name": "</script><b>&"})
    assert script == '<script type="application/ld+json">\n{\n "name": "\\u003c/script\\u003e\\u003cb\\u003e\\u0026"\n}\n</script>'
    assert json.loads(script.split("\n", 1)[1].rsplit("\n", 1)[0]) == {"name": "</script><b>&"}


# --- share cards ------------------------------------------------------------------------------------

def test_every_page_has_a_share_card_whose_image_exists(tiny_site):
    problems = []
    for url in built_pages(tiny_site):
        doc = page(tiny_site, url)
        meta = {m.get("property") or m.get("name"): m["content"] for m in doc.select("head meta[content]")
                if (m.get("property") or m.get("name") or "").startswith(("og:", "twitter:"))}
        keys = sorted(meta)
        want = sorted(["og:type", "og:site_name", "og:title", "og:description", "og:image", "og:image:type", "og:image:width",
                       "og:image:height", "og:image:alt", "twitter:card", "twitter:title", "twitter:description",
                       "twitter:image", "twitter:image:alt"])
        if keys != want:
            problems.append(f"{url}: {keys}")
            continue
        image = (tiny_site / url / meta["og:image"]).resolve()
        if not image.is_file() or png_size(image) != (int(meta["og:image:width"]), int(meta["og:image:height"])):
            problems.append(f"{url}: image {meta['og:image']}")
        if meta["og:description"] != doc.find("meta", attrs={"name": "description"})["content"] or not meta["og:description"]:
            problems.append(f"{url}: description")
    assert problems == []


def test_the_site_card_is_a_1200_by_630_png(tiny_site):
    assert png_size(tiny_site / CARD) == (1200, 630)


def test_a_page_with_a_chart_shows_its_first_chart_once_that_png_exists(tmp_path):
    import vl_convert as vlc

    png = vlc.vega_to_png({"width": 40, "height": 20, "marks": []}, scale=1)
    (tmp_path / "b.png").write_bytes(png)
    text = "# T\n\nFirst words.\n\n[[chart:a]]\n\n[[chart:b]]\n"
    # [[chart:a]] is the page's first chart: without its PNG the site card stands in, not the second chart.
    assert share_meta(text, "fallback", tmp_path, {"b": "B"}, "Site") == {
        "description": "First words.", "atlas_image": CARD, "atlas_image_width": "1200",
        "atlas_image_height": "630", "atlas_image_alt": "Site: the site card"}
    (tmp_path / "a.png").write_bytes(png)
    assert share_meta(text, "fallback", tmp_path, {"a": 'Bars "a" & more'}, "Site") == {
        "description": "First words.", "atlas_image": "charts/a.png", "atlas_image_width": "40",
        "atlas_image_height": "20", "atlas_image_alt": "Bars &quot;a&quot; &amp; more"}


def test_a_page_is_described_by_its_first_paragraph_as_plain_words():
    text = ('# Title\n\n[[block:x]]\n\n<p class="x">html</p>\n\nThe [Sakura](sales.md){ .md-button } is `kei` and "small" '
            "& *cheap*.\n\nSecond.")
    assert page_description(text, "fb") == 'The Sakura is kei and "small" & cheap.'
    assert page_description("# Only a title\n", "fallback text") == "fallback text"
    long = "# T\n\n" + "word " * 60
    assert page_description(long, "") == ("word " * 40).strip() + " …"  # 199 characters, then the mark


def test_front_matter_is_added_or_merged_as_json_strings():
    assert with_front_matter("# T\n", {"description": 'a "b": c'}) == '---\ndescription: "a \\"b\\": c"\n---\n\n# T\n'
    assert with_front_matter("---\ntitle: X\n---\n# T\n", {"k": "v"}) == '---\nk: "v"\ntitle: X\n---\n# T\n'


def test_a_quote_in_a_description_does_not_end_the_attribute(tiny_site):
    # The Sales page's first paragraph quotes "sales"; the attribute must hold all of it.
    doc = page(tiny_site, "sales")
    assert doc.find("meta", attrs={"name": "description"})["content"].startswith('Japanese "sales" figures are registrations')
    assert doc.find("meta", property="og:description")["content"] == doc.find("meta", attrs={"name": "description"})["content"]


# --- search words -----------------------------------------------------------------------------------

def test_the_plants_page_names_every_plant_in_its_text(tiny_site):
    names = [li.get_text() for li in page(tiny_site, "plants").select("ul.atlas-plant-names li")]
    assert names == ["Mizushima Plant: Kurashiki, Okayama, Japan", "Nissan Motor Kyushu: Kanda, Fukuoka, Japan",
                     "Oppama Plant: Yokosuka, Kanagawa, Japan", "Sunderland Plant: Sunderland, England, United Kingdom"]
    index = json.loads((tiny_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == ["en", "ja"]
    plants_text = " ".join(d["text"] for d in index["docs"] if d["location"].startswith("plants/"))
    assert [n for n in names if n.split(":")[0] not in plants_text] == []


# --- the interactive view's specs -------------------------------------------------------------------

def test_every_chart_has_its_vega_specs_compiled_for_both_palettes(tiny_site):
    charts = tiny_site / "charts"
    slugs = sorted(p.name.removesuffix(".vl.json") for p in charts.glob("*.vl.json"))
    assert slugs
    for slug in slugs:
        for name in (f"{slug}.vg.json", f"{slug}.dark.vg.json"):
            spec = json.loads((charts / name).read_text(encoding="utf-8"))
            assert spec["$schema"].startswith("https://vega.github.io/schema/vega/v"), name
    every_figure = [f["data-spec"] for url in built_pages(tiny_site) for f in page(tiny_site, url).select("figure.atlas-chart[data-spec]")]
    assert [s for s in every_figure if not s.endswith(".vl.json")] == []
