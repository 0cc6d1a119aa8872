"""Country outlines for the maps, read from the vendored Natural Earth TopoJSON (vendor/world-atlas).

A TopoJSON reader is hand-written here (about thirty lines) because none of the pinned packages reads
TopoJSON in Python, and the maps need only a subset of countries as GeoJSON: shipping the whole
topology to the browser would weigh more than the rest of the page.
"""
from __future__ import annotations

import json
from functools import lru_cache

from pathlib import Path

# Relative to the project root (the folder of datapackage.json).
ATLAS = Path("vendor") / "world-atlas"
# ISO 3166-1 numeric codes, as world-atlas names its countries by them.
ISO_NUMERIC = {"JP": "392"}


@lru_cache(maxsize=4)
def _topology(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _arcs(topology: dict) -> list[list[tuple[float, float]]]:
    sx, sy = topology["transform"]["scale"]
    tx, ty = topology["transform"]["translate"]
    out = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:  # quantised and delta-encoded
            x, y = x + dx, y + dy
            points.append((round(x * sx + tx, 2), round(y * sy + ty, 2)))
        out.append(points)
    return out


def _ring(indexes: list[int], arcs) -> list[tuple[float, float]]:
    ring: list[tuple[float, float]] = []
    for i in indexes:
        points = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(points if not ring else points[1:])
    return ring


def countries(root: Path, name: str = "countries-110m.json", ids: set[str] | None = None) -> list[dict]:
    """GeoJSON features of the countries in the project's world-atlas file, optionally only those with the given numeric ids."""
    topology = _topology((root / ATLAS / name).resolve())
    arcs = _arcs(topology)
    features = []
    for geom in topology["objects"]["countries"]["geometries"]:
        if ids is not None and geom.get("id") not in ids:
            continue
        if geom["type"] == "Polygon":
            coords = [_ring(r, arcs) for r in geom["arcs"]]
        elif geom["type"] == "MultiPolygon":
            coords = [[_ring(r, arcs) for r in poly] for poly in geom["arcs"]]
        else:
            continue
        features.append({"type": "Feature", "id": geom.get("id"), "properties": {"name": geom.get("properties", {}).get("name", "")},
                         "geometry": {"type": geom["type"], "coordinates": coords}})
    return features
