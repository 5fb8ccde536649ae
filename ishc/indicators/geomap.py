"""The choropleth of the 34 provinces as inline SVG, drawn on the server from the public-domain
Natural Earth boundaries in ishc/geo/data/maps (no tile server, no network, no script).

Projection: plate carrée with the longitude scaled by cos(16° N), the middle of Vietnam's
latitudes, which keeps the country's shape right at this scale. Hoàng Sa and Trường Sa are part
of Đà Nẵng (48) and Khánh Hòa (56) in the data; they are tiny at national scale, so each gets a
label and a dashed frame to make them visible, as every map of Vietnam must show them.
"""

import json
import math
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext_lazy as _

GEOJSON = Path(__file__).resolve().parent.parent / "geo/data/maps/vietnam_provinces_2025.geojson"
WEST, EAST, SOUTH, NORTH = 101.9, 117.4, 7.2, 23.6
SCALE = 40.0  # SVG units per degree of latitude
KX = math.cos(math.radians(16.0))
WIDTH = round((EAST - WEST) * KX * SCALE)
HEIGHT = round((NORTH - SOUTH) * SCALE)

# Frames and labels of the archipelagos: (label, lon_min, lat_min, lon_max, lat_max).
ARCHIPELAGOS = [
    (_("Hoàng Sa archipelago"), 111.0, 15.6, 113.0, 17.3),
    (_("Trường Sa archipelago"), 111.3, 7.4, 117.0, 11.6),
]

# Five steps of one green, light to dark, readable in print and for colour-blind readers.
PALETTE = ["#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c"]
NO_DATA = "#e9ecef"


def _xy(lon: float, lat: float) -> tuple[float, float]:
    return (lon - WEST) * KX * SCALE, (NORTH - lat) * SCALE


def _ring(ring) -> str:
    points = [_xy(lon, lat) for lon, lat in ring]
    head, *rest = points
    return f"M{head[0]:.1f},{head[1]:.1f}" + "".join(f"L{x:.1f},{y:.1f}" for x, y in rest) + "Z"


@lru_cache(maxsize=1)
def shapes() -> dict[int, dict]:
    """Province code → {"name", "d" (SVG path), "cx", "cy"}; read and projected once."""
    data = json.loads(GEOJSON.read_text(encoding="utf-8"))
    out = {}
    for feature in data["features"]:
        geom = feature["geometry"]
        polygons = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        d = "".join(_ring(ring) for polygon in polygons for ring in polygon)
        # Label point: centre of the largest polygon's bounding box (good enough at this scale).
        largest = max(polygons, key=lambda p: len(p[0]))
        lons = [pt[0] for pt in largest[0]]
        lats = [pt[1] for pt in largest[0]]
        cx, cy = _xy((min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2)
        code = int(feature["properties"]["code"])
        out[code] = {"name": feature["properties"]["name"], "d": d, "cx": cx, "cy": cy}
    return out


def colour_steps(values: list[float]) -> list[float]:
    """Upper bounds of the five colour steps: equal steps between the lowest and highest value."""
    if not values:
        return []
    low, high = min(values), max(values)
    if high == low:
        return [high] * 5
    step = (high - low) / 5
    return [low + step * (i + 1) for i in range(5)]


def colour(value: float | None, steps: list[float]) -> str:
    if value is None or not steps:
        return NO_DATA
    for i, bound in enumerate(steps):
        if value <= bound + 1e-9:
            return PALETTE[i]
    return PALETTE[-1]


def choropleth(rows: list[dict]) -> dict:
    """What the template draws: one entry per province (code, name, path, colour, value text,
    link), the legend, the frames of the archipelagos and the view box.

    rows: {"code", "value" (number or None), "text", "url"} per province.
    """
    by_code = {r["code"]: r for r in rows}
    steps = colour_steps([r["value"] for r in rows if r["value"] is not None])
    provinces = []
    for code, shape in shapes().items():
        row = by_code.get(code, {})
        provinces.append(
            {
                "code": code,
                "name": shape["name"],
                "d": shape["d"],
                "value": row.get("value"),
                "fill": colour(row.get("value"), steps),
                "text": row.get("text", "—"),
                "url": row.get("url", ""),
            }
        )
    frames = []
    for label, lon0, lat0, lon1, lat1 in ARCHIPELAGOS:
        x0, y0 = _xy(lon0, lat1)
        x1, y1 = _xy(lon1, lat0)
        frames.append({"label": label, "x": x0, "y": y0, "w": x1 - x0, "h": y1 - y0, "ty": y0 - 6})
    low = min((r["value"] for r in rows if r["value"] is not None), default=None)
    legend = []
    previous = low
    for colour_hex, bound in zip(PALETTE, steps, strict=False):
        legend.append({"fill": colour_hex, "low": previous, "high": bound})
        previous = bound
    return {
        "provinces": provinces,
        "frames": frames,
        "legend": legend,
        "no_data": NO_DATA,
        "width": WIDTH,
        "height": HEIGHT,
    }
