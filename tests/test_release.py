"""What ties a release together, read from small texts whose answers are known."""
from __future__ import annotations

import pytest

from atlas.release import citation_field, latest_changelog_entry

A, B = "a" * 64, "b" * 64
CHANGELOG = f"""# Changelog

Some words.

## 0.3.0 (2026-12-24)

- Only words in this entry; its fingerprint is missing.

## 0.2.0 (2026-12-01)

Data fingerprint: `sha256:{A}`

## 0.1.0 (2026-11-25)

Data fingerprint: `sha256:{B}`
"""


def test_the_latest_entry_is_the_first_and_its_fingerprint_is_its_own():
    assert latest_changelog_entry(CHANGELOG) == {"version": "0.3.0", "date": "2026-12-24", "fingerprint": None}
    assert latest_changelog_entry(CHANGELOG.split("## 0.3.0")[0] + "## 0.2.0" + CHANGELOG.split("## 0.2.0")[1]) == {
        "version": "0.2.0", "date": "2026-12-01", "fingerprint": A}


def test_the_only_entry_reads_to_the_end_of_the_file():
    assert latest_changelog_entry(f"## 1.0.0 (2027-01-01)\n\nData fingerprint: `sha256:{B}`\n") == {
        "version": "1.0.0", "date": "2027-01-01", "fingerprint": B}


@pytest.mark.parametrize("text", ["# Changelog\n\nnothing yet\n", "## v0.1 (2026-11-25)\n", "## 0.1.0 (25 November 2026)\n"])
def test_a_changelog_without_a_proper_entry_is_refused(text):
    with pytest.raises(ValueError, match=r"^CHANGELOG.md has no entry headed '## X.Y.Z \(YYYY-MM-DD\)'$"):
        latest_changelog_entry(text)


CFF = 'cff-version: 1.2.0\ntitle: "Kei EV Atlas"\nversion: "0.2.0"\ndate-released: 2026-12-01  \nmessage: "If you use it"\n'


@pytest.mark.parametrize("key, value", [("version", "0.2.0"), ("date-released", "2026-12-01"), ("title", "Kei EV Atlas"),
                                        ("cff-version", "1.2.0"), ("doi", None), ("versio", None)])
def test_citation_fields_are_read_quoted_or_not(key, value):
    assert citation_field(CFF, key) == value
