"""Where things live in the repository. Every stage takes paths as arguments; these are the defaults."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATAPACKAGE = ROOT / "datapackage.json"
DOCS = ROOT / "docs"
MKDOCS_YML = ROOT / "mkdocs.yml"
BUILD = ROOT / "build"
SITE = BUILD / "site"
