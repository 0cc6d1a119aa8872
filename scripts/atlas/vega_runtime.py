"""The vega runtime the site serves itself: Vega, Vega-Lite and vega-embed bundled by vl-convert.

vl-convert ships the same libraries it renders the static SVGs with, so the interactive view and the
static image come from one pinned package, and no npm step or CDN is needed.
"""
from __future__ import annotations

from pathlib import Path

import vl_convert as vlc

# Exposed on window for charts.js, which loads this file as a module only when a reader asks for it.
SNIPPET = "window.vega = vega; window.vegaEmbed = vegaEmbed;"


def write_vega_runtime(out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "vega-runtime.js"
    header = (f"/* Vega {vlc.get_vega_version()}, vega-embed {vlc.get_vega_embed_version()} and Vega-Lite, "
              f"bundled by vl-convert-python; BSD-3-Clause licences of the Vega project. */\n")
    path.write_text(header + vlc.javascript_bundle(snippet=SNIPPET), encoding="utf-8")
    return path
