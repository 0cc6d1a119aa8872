"""Country outlines cut to the box a map shows. An enlarged inset drawn from whole outlines makes Vega
and the PNG rasteriser trace thousands of kilometres of coast outside the picture (seconds per image);
cut to the box, the same inset costs a fraction. Sutherland-Hodgman clipping, written here because it
is twenty lines and the geometry libraries that do it (shapely, pyproj) are heavy to pin for this alone."""
from __future__ import annotations


def _clip_ring(ring: list[list[float]], box: tuple[float, float, float, float]) -> list[list[float]]:
    west, south, east, north = box
    edges = (
        (lambda p: p[0] >= west, lambda a, b: _at_x(a, b, west)),
        (lambda p: p[0] <= east, lambda a, b: _at_x(a, b, east)),
        (lambda p: p[1] >= south, lambda a, b: _at_y(a, b, south)),
        (lambda p: p[1] <= north, lambda a, b: _at_y(a, b, north)),
    )
    points = ring
    for inside, cross in edges:
        if not points:
            break
        out = []
        for i, cur in enumerate(points):
            prev = points[i - 1]
            if inside(cur):
                if not inside(prev):
                    out.append(cross(prev, cur))
                out.append(cur)
            elif inside(prev):
                out.append(cross(prev, cur))
        points = out
    if points and points[0] != points[-1]:
        points.append(points[0])
    return points if len(points) >= 4 else []


def _at_x(a, b, x):
    t = (x - a[0]) / (b[0] - a[0])
    return [x, a[1] + t * (b[1] - a[1])]


def _at_y(a, b, y):
    t = (y - a[1]) / (b[1] - a[1])
    return [a[0] + t * (b[0] - a[0]), y]


def clip_features(features: list[dict], box: tuple[float, float, float, float]) -> list[dict]:
    """GeoJSON (Multi)Polygon features cut to box = (west, south, east, north), in degrees."""
    out = []
    for f in features:
        geom = f["geometry"]
        polygons = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        kept = []
        for poly in polygons:
            rings = [r for r in (_clip_ring(ring, box) for ring in poly) if r]
            if rings and len(rings[0]) >= 4:
                kept.append(rings)
        if kept:
            out.append({**f, "geometry": {"type": "MultiPolygon", "coordinates": kept}})
    return out


def mercator(view: dict):
    """d3's geoMercator for a view {center, scale, translate}: (lon, lat) -> (x, y) pixels, and back."""
    import math

    lon0, lat0 = (math.radians(v) for v in view["center"])
    k, (tx, ty) = view["scale"], view["translate"]
    y0 = math.log(math.tan(math.pi / 4 + lat0 / 2))

    def forward(lon, lat):
        return tx + k * (math.radians(lon) - lon0), ty - k * (math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) - y0)

    def inverse(x, y):
        return math.degrees(lon0 + (x - tx) / k), math.degrees(2 * math.atan(math.exp((ty - y) / k + y0)) - math.pi / 2)

    return forward, inverse


def place_labels(points: list[tuple[float, float, str]], view: dict, width: int, height: int, px: int) -> list[dict]:
    """Put each label beside its point where it overlaps no label placed before it and stays inside the
    map: right, left, above or below, the first that fits (the last resort is the right). Returns, per
    point, the lon/lat of the label's anchor and its alignment. Vega-Lite has no label placement for maps."""
    forward, inverse = mercator(view)
    boxes: list[tuple[float, float, float, float]] = []
    for lon, lat, _ in points:  # the dots themselves are obstacles too
        x, y = forward(lon, lat)
        boxes.append((x - 6, y - 6, x + 6, y + 6))
    placed = []
    for lon, lat, text in points:
        x, y = forward(lon, lat)
        lines = text.split("\n")
        w, h = max(len(s) for s in lines) * px * 0.6, len(lines) * (px + 2)
        options = (("left", x + 9, y - h / 2, x + 9, y), ("right", x - 9 - w, y - h / 2, x - 9, y),
                   ("center", x - w / 2, y - 10 - h, x, y - 10 - h / 2), ("center", x - w / 2, y + 10, x, y + 10 + h / 2))
        choice = options[0]
        for align, left, top, ax, ay in options:
            box = (left, top, left + w, top + h)
            inside = box[0] >= 0 and box[1] >= 0 and box[2] <= width and box[3] <= height
            if inside and not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in boxes):
                choice = (align, left, top, ax, ay)
                break
        align, left, top, ax, ay = choice
        boxes.append((left, top, left + w, top + h))
        lon_a, lat_a = inverse(ax, ay)
        placed.append({"label_lon": lon_a, "label_lat": lat_a, "align": align})
    return placed
