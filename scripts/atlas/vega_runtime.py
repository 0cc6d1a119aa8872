"""The Vega runtime the site serves itself: vendor/vega/vega.min.js, Vega 6.2.0 less the transforms no chart uses.

The specs are compiled from Vega-Lite to Vega at build time (figures.write_vega_specs), so the browser needs
Vega alone: no Vega-Lite compiler, no vega-embed (charts.js makes the view and handles tooltips itself).
`make vendor` bundles it from the npm packages vega 6.2.0 was released with (vendor/vega/SOURCE.md), the Vega
vl-convert renders the static images with (a test compares the versions, and the SVG of every spec drawn with
it and with vega's own build), so the live chart and its image come from the same Vega. Copying a file, where
vl-convert's javascript_bundle rebuilt a runtime with Vega-Lite and vega-embed in it on every build: 2-3 s a
build, and 300 KiB gzipped for the reader against 133 KiB.
"""
from __future__ import annotations

import shutil
from pathlib import Path



def write_vega_runtime(out_dir: Path, vendored: Path) -> Path:
    """Copy the project's vendor/vega/ (`vendored`) into the site as assets/vega/."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "vega-runtime.js"
    shutil.copyfile(vendored / "vega.min.js", path)
    shutil.copyfile(vendored / "LICENSE", out_dir / "LICENSE-vega.txt")
    return path
