"""Checks on datapackage.json itself that must pass before anything reads a file it names or writes a
folder it names: the version becomes a folder of the published site, and each resource path a file the
build reads, so neither may point outside the project."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

from .package import DataPackage
from .problems import Problem

VERSION = re.compile(r"^\d+\.\d+\.\d+$")

DESCRIPTOR_RULES = {
    "descriptor-version": "The package version is three numbers, MAJOR.MINOR.PATCH (it names a folder of the site).",
    "descriptor-resources": "The package lists at least one resource, each with a name and a path.",
    "resource-path": "Each resource path is a relative path to a file inside the project, with no '..' and no URL.",
}


def check_descriptor(pkg: DataPackage) -> list[Problem]:
    name = pkg.descriptor.name
    problems = []
    version = pkg.meta.get("version")
    if not isinstance(version, str) or not VERSION.match(version):
        problems.append(Problem(name, None, "version", "descriptor-version", str(version), "a version such as 0.2.0"))
    resources = pkg.meta.get("resources")
    if not isinstance(resources, list) or not resources:
        return problems + [Problem(name, None, "resources", "descriptor-resources", repr(resources), "a list of one or more resources")]
    root = pkg.root.resolve()
    for i, r in enumerate(resources):
        where = f"resources[{i}]"
        if not isinstance(r, dict) or not isinstance(r.get("name"), str) or not isinstance(r.get("path"), str):
            problems.append(Problem(name, None, where, "descriptor-resources", repr(r)[:80], "a resource with a name and a path"))
            continue
        path = r["path"]
        target = (root / path).resolve()
        if urlparse(path).scheme or Path(path).is_absolute() or ".." in Path(path).parts or not target.is_relative_to(root):
            problems.append(Problem(name, None, f"{where}.path", "resource-path", path, "a relative path inside the project folder"))
    return problems
