"""Every chart of the `tiny` fixture, as the Vega-Lite spec it is drawn from, equals the spec kept in
tests/fixtures/expected/tiny-charts/ (both layouts; the dark images are the light ones with the theme's
colours swapped, so the light spec decides both).

test_content.py checks what each chart says (its rows, title, opacities, widths); this test notices every
other change to how a chart is drawn: a panel's height, a label's alignment, a legend's direction, a map's
scale or inset, a tick step on the phone. Those are choices a reviewer has looked at in the rendered
images, so a change to them must be seen too: the failure lists each JSON path that differs.

After an intended change to a chart, rewrite the expected specs and review their diff with the images:
`ATLAS_WRITE_EXPECTED=1 PYTHONPATH=scripts:tests .venv/bin/python -m pytest tests/test_chart_specs.py`
(it writes, then skips, so a rewrite never passes as a check).
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import jsonschema
import pytest
from altair.vegalite.v6.schema.core import load_schema

from test_content import CHARTS

EXPECTED = Path(__file__).parent / "fixtures" / "expected" / "tiny-charts"
LAYOUTS = ("", ".phone")
# Lists longer than a chart's rows (a country's outline, a map's features) are kept as their length and digest: their content
# comes from the shipped outline files, not from a drawing choice, and would make the expected files huge.
LONG = 12


def condensed(node):
    if isinstance(node, dict):
        return {k: condensed(v) for k, v in node.items()}
    if isinstance(node, list):
        if len(node) > LONG:
            text = json.dumps(node, sort_keys=True, separators=(",", ":"))
            return {"items": len(node), "sha256": hashlib.sha256(text.encode()).hexdigest()}
        return [condensed(v) for v in node]
    return node


def differences(found, expected, path="$"):
    """The JSON paths at which two specs differ, each with the two values (or their types)."""
    if type(found) is not type(expected):
        return [f"{path}: found {found!r:.80}, expected {expected!r:.80}"]
    if isinstance(found, dict):
        out = []
        for key in sorted(set(found) | set(expected)):
            if key not in expected:
                out.append(f"{path}.{key}: found {found[key]!r:.80}, expected no such key")
            elif key not in found:
                out.append(f"{path}.{key}: missing, expected {expected[key]!r:.80}")
            else:
                out += differences(found[key], expected[key], f"{path}.{key}")
        return out
    if isinstance(found, list):
        if len(found) != len(expected):
            return [f"{path}: found {len(found)} items, expected {len(expected)}"]
        return [d for i, (f, e) in enumerate(zip(found, expected)) for d in differences(f, e, f"{path}[{i}]")]
    return [] if found == expected else [f"{path}: found {found!r:.80}, expected {expected!r:.80}"]


@pytest.mark.parametrize("layout", LAYOUTS, ids=["desktop", "phone"])
@pytest.mark.parametrize("slug", sorted(CHARTS))
def test_chart_spec_is_the_reviewed_one(tiny_site, slug, layout):
    spec = condensed(json.loads((tiny_site / "charts" / f"{slug}{layout}.vl.json").read_text(encoding="utf-8")))
    kept = EXPECTED / f"{slug}{layout}.vl.json"
    if os.environ.get("ATLAS_WRITE_EXPECTED"):
        kept.parent.mkdir(parents=True, exist_ok=True)
        kept.write_text(json.dumps(spec, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
        pytest.skip(f"wrote {kept.name}")
    assert differences(spec, json.loads(kept.read_text(encoding="utf-8"))) == []


@pytest.fixture(scope="module")
def vega_lite_schema():
    schema = load_schema()  # the Vega-Lite schema Altair ships, the version the charts are written for
    return jsonschema.validators.validator_for(schema)(schema)


@pytest.mark.parametrize("layout", LAYOUTS, ids=["desktop", "phone"])
@pytest.mark.parametrize("slug", sorted(CHARTS))
def test_chart_spec_is_valid_vega_lite(tiny_site, vega_lite_schema, slug, layout):
    """The build skips Altair's schema checks (seconds a build, charts.build): each spec is checked here instead."""
    spec = json.loads((tiny_site / "charts" / f"{slug}{layout}.vl.json").read_text(encoding="utf-8"))
    assert [f"{list(e.absolute_path)}: {e.message:.120}" for e in vega_lite_schema.iter_errors(spec)] == []


def test_the_schema_check_refuses_a_spec_vega_lite_does_not_allow(vega_lite_schema):
    spec = {"data": {"values": []}, "mark": "bar", "encoding": {"x": {"field": "a", "type": "ordinal"}}}
    assert vega_lite_schema.is_valid(spec)
    assert not vega_lite_schema.is_valid({**spec, "mark": "column"})
    assert not vega_lite_schema.is_valid({**spec, "encoding": {"x": {"field": "a", "type": "ordinal", "sort": "upward"}}})


def test_every_kept_spec_belongs_to_a_chart():
    """An expected spec whose chart is gone would make this check look wider than it is."""
    assert sorted(p.name for p in EXPECTED.glob("*.vl.json")) == sorted(f"{s}{l}.vl.json" for s in CHARTS for l in LAYOUTS)
