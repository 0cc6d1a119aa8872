"""bench/mutate.py's reading of bench/mutation-equivalents.txt: a reason excuses the change it was written for, under
whatever number mutmut gives that change today, and nothing else."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import mutate  # noqa: E402

DIFF_5 = """--- src/atlas/charts.py
+++ src/atlas/charts.py
@@ -1,3 +1,3 @@
 def _draw(data):
-    features = geo.countries(root, "countries-110m.json")
+    features = geo.countries(root, )
     return features
"""
ENTRY = """# a comment
atlas.charts.x__draw__mutmut_5  The default file is the one named.
    -    features = geo.countries(root, "countries-110m.json")
    +    features = geo.countries(root, )
"""


def test_an_entry_reads_as_its_name_reason_and_the_stripped_change():
    assert mutate.equivalents(ENTRY) == [mutate.Equivalent(
        "atlas.charts.x__draw__mutmut_5", "The default file is the one named.",
        ('-features = geo.countries(root, "countries-110m.json")', "+features = geo.countries(root, )"))]
    assert mutate.change_of(DIFF_5) == mutate.equivalents(ENTRY)[0].change


def test_the_same_change_under_its_number_or_a_new_one_is_equivalent_and_another_change_is_a_hole():
    known = mutate.equivalents(ENTRY)
    assert mutate.verdict_of("atlas.charts.x__draw__mutmut_5", DIFF_5, known) == (True, "equivalent: The default file is the one named.")
    assert mutate.verdict_of("atlas.charts.x__draw__mutmut_46", DIFF_5, known) == (
        True, "equivalent: The default file is the one named. (judged as `atlas.charts.x__draw__mutmut_5`: mutmut's numbers moved)")
    other = DIFF_5.replace("geo.countries(root, )", "int(None)")
    assert mutate.verdict_of("atlas.charts.x__draw__mutmut_5", other, known) == (
        False, "**hole**: no test notices this change (bench/mutation-equivalents.txt judged another change under this name; judge this one)")
    # the same change in another function is that function's to judge
    assert mutate.verdict_of("atlas.charts.x__paint__mutmut_5", DIFF_5, known) == (False, "**hole**: no test notices this change")


def test_every_listed_equivalent_names_the_change_it_judged():
    entries = mutate.equivalents()
    assert [e.name for e in entries if len(e.change) < 2 or not any(c.startswith("-") for c in e.change)] == []
    assert len(entries) >= 8  # as many as the file lists today, at least
