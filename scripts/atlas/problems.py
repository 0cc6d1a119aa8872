"""A validation problem is a value with a place and a rule, so that all of them can be collected and printed together."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    row: int | None  # line in the CSV file: the header is row 1, the first record row 2
    column: str | None
    rule: str
    value: str
    expected: str

    def __str__(self) -> str:
        place = self.file
        if self.row is not None:
            place += f":{self.row}"
            if self.column:
                place += f":{self.column}"
        elif self.column:
            place += f"::{self.column}"
        return f"{place}: [{self.rule}] found {self.value!r}, expected {self.expected}"


def sort_key(p: Problem) -> tuple:
    return (p.file, p.row if p.row is not None else 0, p.column or "", p.rule, p.value)
