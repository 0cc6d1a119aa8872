"""The rule registry is what the validator runs and what the Methodology page lists."""
from __future__ import annotations

from atlas.rules import FACTS, RULES, check_rules
from atlas.package import DataPackage


def test_every_rule_states_the_tables_it_reads(tiny):
    tables = set(DataPackage(tiny.descriptor).resources) | {"*", FACTS}
    assert {r.id: set(r.tables) <= tables and bool(r.tables) for r in RULES.values()} == {r: True for r in RULES}


def test_the_validator_runs_every_registered_rule(tiny, monkeypatch):
    ran = []
    for r in list(RULES.values()):
        monkeypatch.setitem(RULES, r.id, r.__class__(r.id, r.description, r.tables, lambda t, i=r.id: ran.append(i) or []))
    check_rules(DataPackage(tiny.descriptor))
    assert ran == list(RULES)
