"""The Vega runtime the site serves itself, bundled by vl-convert.

vl-convert ships the same Vega it renders the static SVGs with, so the interactive view and the static
image come from one pinned package, and no npm step or CDN is needed. The specs are compiled from
Vega-Lite to Vega at build time (figures.write_vega_specs), and charts.js draws them with Vega's own
embed function in "vega" mode, with the site's own tooltip handler: no Vega-Lite compile in the browser.

Why the bundle still carries vega-embed and Vega-Lite: in vl-convert-python 1.9.0 the snippet's `vega`
and `vegaLite` names bundle to `null` (the bundle ends `const __default=null;window.vega=__default;`),
and a bundle that names only `vega` drops `vega.parse`; only `vegaEmbed` is bound. A Vega-only runtime (about 200 KiB gzipped for all of Vega, less
with only the transforms the charts use) needs another bundler; see the findable report.
"""
from __future__ import annotations

from pathlib import Path

import vl_convert as vlc

# Exposed on window for charts.js, which loads this file as a module only when a reader presses the button.
SNIPPET = "window.vegaEmbed = vegaEmbed;"


def write_vega_runtime(out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "vega-runtime.js"
    header = (f"/* Vega {vlc.get_vega_version()}, vega-embed {vlc.get_vega_embed_version()} and Vega-Lite, "
              f"bundled by vl-convert-python; BSD-3-Clause licences of the Vega project. */\n")
    path.write_text(header + vlc.javascript_bundle(snippet=SNIPPET), encoding="utf-8")
    return path
