"""Country outlines for the maps and for the check that a plant lies in its country, read from the
vendored Natural Earth TopoJSON (vendor/world-atlas).

A TopoJSON reader is hand-written here (about thirty lines) because none of the pinned packages reads
TopoJSON in Python, and the maps need only a subset of countries as GeoJSON: shipping the whole
topology to the browser would weigh more than the rest of the page.
"""
from __future__ import annotations

import json
import math
from functools import lru_cache

from pathlib import Path

# Relative to the project root (the folder of datapackage.json).
ATLAS = Path("vendor") / "world-atlas"
# ISO 3166-1 numeric codes, as world-atlas names its countries by them: the countries the plants name.
ISO_NUMERIC = {"JP": "392", "GB": "826", "US": "840", "ES": "724", "FR": "250", "CN": "156", "MX": "484", "IN": "356",
               "TH": "764", "BR": "076", "ZA": "710", "KR": "410", "TW": "158", "ID": "360"}
EARTH_KM = 6371.0


@lru_cache(maxsize=4)
def _topology(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=4)
def _arcs(path: Path) -> list[list[tuple[float, float]]]:
    """The topology's arcs decoded, once per file: a map is drawn in two layouts and its outlines checked by the
    validator, and decoding the 50m file's arcs takes a quarter of a second. Read-only: each ring copies them."""
    topology = _topology(path)
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


def _simplified(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker on one arc, its two ends kept: arcs are shared by neighbouring countries, so simplifying each
    arc (not each country's ring) leaves no gap or overlap along a border. Written out (twenty lines) for the reason
    the reader above is: no pinned package simplifies TopoJSON."""
    keep = {0, len(points) - 1}
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        best, far = tolerance, None
        for i in range(first + 1, last):
            px, py = points[i]
            d = abs(dy * (px - ax) - dx * (py - ay)) / length if length else math.hypot(px - ax, py - ay)
            if d > best:
                best, far = d, i
        if far is not None:
            keep.add(far)
            stack += [(first, far), (far, last)]
    return [points[i] for i in sorted(keep)]


@lru_cache(maxsize=8)
def _simplified_arcs(path: Path, tolerance: float) -> list[list[tuple[float, float]]]:
    return [_simplified(arc, tolerance) if len(arc) > 2 else arc for arc in _arcs(path)]


def _ring(indexes: list[int], arcs) -> list[tuple[float, float]]:
    ring: list[tuple[float, float]] = []
    for i in indexes:
        points = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(points if not ring else points[1:])
    return ring


def countries(root: Path, name: str = "countries-110m.json", ids: set[str] | None = None, tolerance: float = 0.0) -> list[dict]:
    """GeoJSON features of the countries in the project's world-atlas file, optionally only those with the given numeric
    ids, and with the points that lie within `tolerance` degrees of their outline's simplified course left out."""
    path = (root / ATLAS / name).resolve()
    topology, arcs = _topology(path), (_simplified_arcs(path, tolerance) if tolerance else _arcs(path))
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


# The finer of the two files: the check that a plant lies in its country needs coasts, not a world map's outlines.
OUTLINES = "countries-50m.json"


def outlines_path(root: Path) -> Path:
    return root / ATLAS / OUTLINES


def polygons(root: Path, iso2: str) -> list[list[list[tuple[float, float]]]]:
    """The country's polygons, each a list of rings (outer first, then holes) of (lon, lat); [] if it has no outline."""
    return _polygons(outlines_path(root).resolve(), ISO_NUMERIC.get(iso2))


@lru_cache(maxsize=32)
def _polygons(path: Path, numeric: str | None) -> list:
    topology = _topology(path)
    sx, sy = topology["transform"]["scale"]
    tx, ty = topology["transform"]["translate"]

    def arc(i):  # only this country's arcs are decoded: the whole world's take longer than the check itself
        x = y = 0
        points = []
        for dx, dy in topology["arcs"][i if i >= 0 else ~i]:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        return points if i >= 0 else points[::-1]

    def ring(indexes):
        out: list[tuple[float, float]] = []
        for i in indexes:
            points = arc(i)
            out.extend(points if not out else points[1:])
        return out

    out = []
    for geom in topology["objects"]["countries"]["geometries"]:
        if numeric is None or geom.get("id") != numeric:
            continue
        shapes = [geom["arcs"]] if geom["type"] == "Polygon" else geom["arcs"] if geom["type"] == "MultiPolygon" else []
        out += [[ring(r) for r in shape] for shape in shapes]
    return out


# Point in polygon and distance to an outline are written out here (ray casting, and the nearest segment on
# a local flat projection) because shapely is not among the pinned packages; at plant scale (tens of
# kilometres) the flat projection errs by far less than the outline's own generalisation.
def _inside(ring, x, y) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _segment_km(px, py, a, b, kx) -> float:
    ax, ay, bx, by = (a[0] - px) * kx, a[1] - py, (b[0] - px) * kx, b[1] - py
    dx, dy = bx - ax, by - ay
    t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / (dx * dx + dy * dy)))
    return math.hypot(ax + t * dx, ay + t * dy) * math.pi / 180 * EARTH_KM


def km_outside(polys, lat: float, lon: float) -> float:
    """0 when the point is inside one of the polygons (and not in a hole), else its distance in km to the nearest edge."""
    for rings in polys:
        if rings and _inside(rings[0], lon, lat) and not any(_inside(h, lon, lat) for h in rings[1:]):
            return 0.0
    kx = math.cos(math.radians(lat))
    return min((_segment_km(lon, lat, a, b, kx) for rings in polys for ring in rings for a, b in zip(ring, ring[1:] + ring[:1])),
               default=math.inf)
