"""Words the site search must find a page by, written into the page as prose.

The data tables are kept out of the search index (it is loaded on every page and must not grow with the
data), so a plant's name, in English and in Japanese as plants.csv gives it, would otherwise be found
only on the data dictionary. The Plants page places this list with `[[block:plant-names]]`.
"""
from __future__ import annotations

from html import escape

import pandas as pd
from babel import Locale

from .package import DataPackage


def plant_names(pkg: DataPackage, tables: dict[str, pd.DataFrame], prefix: str) -> str:
    """Every plant of plants.csv with its place, by country (Japan first) then name."""
    plants = tables["plants"].copy()
    countries = Locale("en").territories
    plants["_order"] = plants["country"].ne("JP")
    items = []
    for _, r in plants.sort_values(["_order", "country", "name"]).iterrows():
        place = ", ".join(str(v) for v in (r["city"], r["region"], countries.get(r["country"], r["country"])) if pd.notna(v))
        items.append(f"<li>{escape(str(r['name']))}: {escape(place)}</li>")
    return ('<p>The plants on these maps:</p>\n<ul class="atlas-plant-names">\n' + "\n".join(items) + "\n</ul>")
