"""Where the repository's own project lives. Every stage takes its paths as arguments and finds the
files it reads beside `datapackage.json` (the project root), so a fixture project builds on its own;
these are the defaults for the repository itself."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATAPACKAGE = ROOT / "datapackage.json"
DOCS = ROOT / "docs"
MKDOCS_YML = ROOT / "mkdocs.yml"
BUILD = ROOT / "build"
