"""Read `datapackage.json`: the one place where each field's title, description, unit and constraints are written."""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    title: str
    description: str
    unit: str | None
    constraints: dict

    @property
    def label(self) -> str:
        """Axis and column label: the title, with the unit where there is one."""
        return f"{self.title} ({self.unit})" if self.unit else self.title


class DataPackage:
    def __init__(self, descriptor: Path):
        self.descriptor = Path(descriptor)
        self.root = self.descriptor.parent
        self.meta = json.loads(self.descriptor.read_text(encoding="utf-8"))

    @cached_property
    def resources(self) -> dict[str, dict]:
        return {r["name"]: r for r in self.meta["resources"]}

    def path(self, resource: str) -> Path:
        return self.root / self.resources[resource]["path"]

    def relpath(self, resource: str) -> str:
        return self.resources[resource]["path"]

    def fields(self, resource: str) -> list[Field]:
        return [
            Field(
                name=f["name"],
                type=f.get("type", "string"),
                title=f.get("title", f["name"]),
                description=f.get("description", ""),
                unit=f.get("unit"),
                constraints=f.get("constraints", {}),
            )
            for f in self.resources[resource]["schema"]["fields"]
        ]

    def field(self, resource: str, name: str) -> Field:
        for f in self.fields(resource):
            if f.name == name:
                return f
        raise KeyError(f"{resource}.{name} is not in datapackage.json")

    def primary_key(self, resource: str) -> list[str]:
        pk = self.resources[resource]["schema"].get("primaryKey", [])
        return [pk] if isinstance(pk, str) else list(pk)

    def rows(self, resource: str) -> list[dict[str, str]]:
        """The resource's records as strings, each with `_row`, its line in the file (header = 1).

        The csv module rather than frictionless: the project's rules need the raw text, and must
        run even when frictionless has found cells it cannot cast.
        """
        path = self.path(resource)
        if not path.exists():
            return []
        with path.open(encoding="utf-8-sig", newline="", errors="replace") as fh:
            reader = csv.DictReader(fh)
            out = []
            for rec in reader:
                rec = {k: (v if v is not None else "") for k, v in rec.items() if k is not None}
                rec["_row"] = reader.line_num
                out.append(rec)
            return out
