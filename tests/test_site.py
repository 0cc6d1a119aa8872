"""Real builds of the real package: the site, its charts, and the fail-closed swap."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from atlas.paths import DATAPACKAGE


def test_site_has_home_and_every_generated_page(built_site):
    pkg = json.loads(DATAPACKAGE.read_text(encoding="utf-8"))
    assert (built_site / "index.html").exists()
    for r in pkg["resources"]:
        assert (built_site / "data" / r["name"] / "index.html").exists(), r["name"]
        assert (built_site / "data" / "latest" / f"{r['name']}.csv").read_bytes() == (DATAPACKAGE.parent / r["path"]).read_bytes()
    for page in ("sources", "conflicts", "methodology", "changelog"):
        assert (built_site / page / "index.html").exists(), page


def test_chart_spec_names_its_sources_and_csv(built_site):
    sources = {line.split(",")[0] for line in (DATAPACKAGE.parent / "datasets" / "sources.csv").read_text(encoding="utf-8").splitlines()[1:]}
    slugs = sorted(p.name[: -len(".vl.json")] for p in (built_site / "charts").glob("*.vl.json"))
    assert len(slugs) >= 8
    for slug in slugs:
        spec = json.loads((built_site / "charts" / f"{slug}.vl.json").read_text(encoding="utf-8"))
        meta = spec["usermeta"]["atlas"]
        assert meta["sources"], slug
        assert set(meta["sources"]) <= sources
        assert (built_site / "data" / "latest" / f"{meta['resource']}.csv").exists()
        for variant in ("light", "dark"):
            assert (built_site / "charts" / f"{slug}.{variant}.svg").read_text(encoding="utf-8").lstrip().startswith("<svg")


class Figures(HTMLParser):
    def __init__(self):
        super().__init__()
        self.figures, self.current = [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "figure" and "atlas-chart" in (a.get("class") or ""):
            self.current = {"id": a.get("id"), "imgs": [], "links": [], "caption": False}
            self.figures.append(self.current)
        elif self.current is not None and tag == "img":
            self.current["imgs"].append(a)
        elif self.current is not None and tag == "a":
            self.current["links"].append(a.get("href"))
        elif self.current is not None and tag == "figcaption":
            self.current["caption"] = True

    def handle_endtag(self, tag):
        if tag == "figure":
            self.current = None


def test_every_figure_has_alt_text_caption_sources_and_a_working_csv_link(built_site):
    pages = [p for p in built_site.rglob("index.html")]
    seen = 0
    for page in pages:
        parser = Figures()
        parser.feed(page.read_text(encoding="utf-8"))
        for fig in parser.figures:
            seen += 1
            assert fig["caption"], (page, fig["id"])
            assert fig["imgs"] and all(len(img.get("alt", "")) > 40 for img in fig["imgs"]), (page, fig["id"])
            for img in fig["imgs"]:
                assert (page.parent / img["src"]).resolve().exists(), (page, img["src"])
            csvs = [h for h in fig["links"] if h.endswith(".csv")]
            assert csvs and all((page.parent / h).resolve().exists() for h in csvs), (page, fig["id"])
            assert any("sources/#" in h for h in fig["links"]), (page, fig["id"])
    assert seen >= len([p for p in (built_site / "charts").glob("*.vl.json") if not p.name.endswith(".phone.vl.json")])


def test_no_page_loads_anything_from_another_host(built_site):
    pattern = re.compile(r'<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)="(https?:)?//', re.I)
    for page in built_site.rglob("*.html"):
        assert not pattern.search(page.read_text(encoding="utf-8")), page
    for css in built_site.rglob("*.css"):
        assert "fonts.googleapis" not in css.read_text(encoding="utf-8"), css


def test_vega_runtime_is_served_by_the_site(built_site):
    """The site serves the vendored Vega byte for byte, with its licence, and it is the Vega that vl-convert draws
    the static images with (so the live chart and its image agree)."""
    import vl_convert

    served = built_site / "assets" / "vega"
    assert sorted(p.name for p in served.iterdir()) == ["LICENSE-vega.txt", "vega-runtime.js"]
    assert_is_the_vendored_vega(served / "vega-runtime.js", served / "LICENSE-vega.txt", vl_convert.get_vega_version())


def assert_is_the_vendored_vega(runtime, licence, version):
    """`runtime` and `licence` are vendor/vega/'s files byte for byte, and SOURCE.md names `version`."""
    from atlas.paths import ROOT

    vendored = ROOT / "vendor" / "vega"
    assert (runtime.read_bytes(), licence.read_bytes()) == ((vendored / "vega.min.js").read_bytes(), (vendored / "LICENSE").read_bytes())
    assert (vendored / "SOURCE.md").read_text(encoding="utf-8").splitlines()[0] == f"# Vega {version}"


@pytest.mark.node
def test_vendored_vega_is_the_pinned_npm_build_unchanged(tmp_path):
    """vendor/vega/ is what vendor/vega/build.mjs makes from the npm packages pinned in package-lock.json
    (installed by `make test`), byte for byte: rebuilt here, so not an edited copy; every vega-* package is
    pinned once, at the version vega names; and it is the Vega vl-convert draws the static images with."""
    import subprocess

    import vl_convert

    from atlas.paths import ROOT

    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    vega = lock["node_modules/vega"]
    assert vega["version"] == vl_convert.get_vega_version()
    assert json.loads((ROOT / "node_modules" / "vega" / "package.json").read_text(encoding="utf-8"))["version"] == vega["version"]
    # One copy of each vega-* package (none nested under another), each at the version vega's "~x.y.z" names.
    copies = sorted(k for k in lock if re.fullmatch(r"(.*/)?node_modules/vega-[a-z-]+", k))
    assert copies == sorted(f"node_modules/{name}" for name in {*vega["dependencies"], "vega-selections", "vega-canvas"})
    assert {name: lock[f"node_modules/{name}"]["version"] for name in vega["dependencies"]} == {
        name: version.removeprefix("~") for name, version in vega["dependencies"].items()}
    assert not [k for k, v in lock.items() if "resolved" in v]

    done = subprocess.run(["node", str(ROOT / "vendor" / "vega" / "build.mjs"), str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (0, "")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["LICENSE", "vega.min.js"]
    assert_is_the_vendored_vega(tmp_path / "vega.min.js", tmp_path / "LICENSE", vega["version"])


@pytest.mark.node
def test_vendored_vega_draws_every_chart_as_vegas_own_build(built_site):
    """Every compiled spec of the site (light, dark, phone) drawn headless with the vendored runtime and with
    vega's own build/vega.js 6.2.0 gives the same SVG: a transform left out, or another version of a package,
    shows as a spec that fails or differs (vendor/vega/compare.mjs prints one line per spec, none when all agree)."""
    import subprocess

    from atlas.paths import ROOT

    specs = sorted(str(p) for p in (built_site / "charts").glob("*.vg.json"))
    assert len(specs) == 4 * len(list((built_site / "charts").glob("*.phone.vl.json")))
    done = subprocess.run(["node", str(ROOT / "vendor" / "vega" / "compare.mjs"),
                           str(built_site / "assets" / "vega" / "vega-runtime.js"), *specs],
                          cwd=ROOT, capture_output=True, text=True)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


@pytest.fixture
def built_tiny(tiny_site, tmp_path):
    """A copy of the built `tiny` project, its site included, to break."""
    import shutil

    from projects import Project

    shutil.copytree(tiny_site.parent.parent, tmp_path / "tiny", symlinks=True)
    return Project(tmp_path / "tiny")


def snapshot(site):
    return {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def test_charts_drawn_without_the_worker_pool_make_the_same_site(built_tiny, monkeypatch):
    """ATLAS_CHART_WORKERS=0, mutation testing's setting (bench/mutate.py), draws the charts in the building
    process, and the site is the same, byte for byte."""
    from atlas.chart_pool import chart_pool

    monkeypatch.setenv("ATLAS_CHART_WORKERS", "0")
    with chart_pool() as pool:
        assert pool is None
    before = snapshot(built_tiny.site)
    out = built_tiny.build()
    assert (out.returncode, out.stderr) == (0, "")
    assert snapshot(built_tiny.site) == before


def test_failed_validation_leaves_the_previous_site_untouched(built_tiny):
    before = snapshot(built_tiny.site)
    built_tiny.set_cell("sales", 0, "units", "-5")
    out = built_tiny.build()
    assert (out.returncode, out.stdout) == (1, "")
    assert out.stderr.splitlines() == ["make site: validation failed:",
                                       "datasets/sales.csv:2:units: [minimum] found '-5', expected a value >= 0",
                                       "build/site was left as it was."]
    assert snapshot(built_tiny.site) == before
    assert sorted(p.name for p in (built_tiny.root / "build").iterdir()) == ["site"]


def test_a_broken_page_fails_the_build_and_keeps_the_old_site(built_tiny):
    before = snapshot(built_tiny.site)
    (built_tiny.root / "docs" / "methodology.md").write_text("# M\n\n[broken](no-such-page.md)\n", encoding="utf-8")
    out = built_tiny.build()
    assert out.returncode == 1
    assert out.stderr.splitlines()[-1] == "build/site was left as it was."
    assert "no-such-page.md" in out.stderr and "Traceback" not in out.stderr
    assert snapshot(built_tiny.site) == before


def test_a_marker_naming_no_chart_is_one_line_not_a_traceback(built_tiny):
    (built_tiny.root / "docs" / "plants.md").write_text("# P\n\n[[chart:no-such-chart]]\n", encoding="utf-8")
    out = built_tiny.build()
    from atlas.charts import CHARTS

    known = ", ".join(sorted(c.slug for c in CHARTS))
    assert (out.returncode, out.stdout, out.stderr.splitlines()) == (1, "", [
        f"make site: plants.md: [[chart:no-such-chart]] names nothing (known: {known})", "build/site was left as it was."])


def test_a_version_that_climbs_out_of_build_writes_nothing_outside_it(built_tiny):
    import json

    meta = json.loads(built_tiny.descriptor.read_text(encoding="utf-8"))
    meta["version"] = "../../../outside"
    built_tiny.descriptor.write_text(json.dumps(meta), encoding="utf-8")
    before = sorted(p.relative_to(built_tiny.root.parent) for p in built_tiny.root.parent.rglob("*") if "build" not in p.parts)
    out = built_tiny.build()
    assert out.returncode == 1
    assert out.stderr.splitlines()[1] == ("datapackage.json::version: [descriptor-version] found '../../../outside', "
                                          "expected a version such as 0.2.0")
    after = sorted(p.relative_to(built_tiny.root.parent) for p in built_tiny.root.parent.rglob("*") if "build" not in p.parts)
    assert after == before
