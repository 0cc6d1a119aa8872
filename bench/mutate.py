"""`make mutate`: mutation testing (mutmut 3) of the pipeline's logic against the fast layer of the suite,
written to build/bench/mutation.md: the score, and every surviving mutant with its verdict.

Which modules, and which tests: the validation modules, against the validation tests (and the release
checks), whose tests run in well under a second a mutant; the content tests would build the tiny site
for every mutant of validate_package, which every build calls. The rendering modules (charts,
figures, pages, blocks, downloads, download_page, site) are checked by the content tests on a whole
fixture build instead; a build per mutant (about ten seconds, thousands of mutants) does not fit a run.

mutmut finds code only under ./, src/ or source/, so the run happens in build/mutation/, a copy of the
project with scripts/ as src/ (and the mutmut settings in its pyproject.toml); nothing in the repository moves.

A survivor judged equivalent (it changes nothing a user can see) is listed in bench/mutation-equivalents.txt
as `<mutant name>  <reason>`; the report names it with that reason, and every other survivor as a hole.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "build" / "bench"
WORK = ROOT / "build" / "mutation"
COPIED = ["tests", "datapackage.json", "datasets", "docs", "mkdocs.yml", "overrides", "vendor", "CHANGELOG.md", "CITATION.cff",
          "README.md", "LICENSE"]
FAST = "not browser and not real and not build and not node"
TESTS = ["tests/test_validate.py", "tests/test_rules.py", "tests/test_periods.py", "tests/test_release.py", "tests/test_downloads.py"]
SETTINGS = f"""
[tool.pytest.ini_options]
pythonpath = ["src"]
testpaths = ["tests"]
markers = ["browser: x", "real: x", "build: x", "node: x"]

[tool.mutmut]
source_paths = ["src/atlas"]
also_copy = {json.dumps(COPIED)}
pytest_add_cli_args_test_selection = {json.dumps(TESTS + ["-m", FAST])}
pytest_add_cli_args = ["-p", "no:xdist", "-p", "no:cacheprovider"]
"""
MODULES = ["periods", "rules", "derived", "problems", "textchecks", "frictionless_check", "validate", "tables", "package", "release"]
EQUIVALENTS = ROOT / "bench" / "mutation-equivalents.txt"
MUTMUT = Path(sys.executable).parent / "mutmut"
# mutmut's exit codes (mutmut.stats.status_by_exit_code), read here to write our own report.
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped", 36: "timeout", 24: "timeout",
          -24: "timeout", 152: "timeout", 255: "timeout", None: "not checked"}


def equivalents() -> dict[str, str]:
    out = {}
    if EQUIVALENTS.exists():
        for line in EQUIVALENTS.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                name, _, reason = line.partition("  ")
                out[name.strip()] = reason.strip()
    return out


def results() -> dict[str, str]:
    found = {}
    for module in MODULES:
        meta = WORK / "mutants" / "src" / "atlas" / f"{module}.py.meta"
        if meta.exists():
            for name, code in json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"].items():
                found[name] = STATUS.get(code, "suspicious")
    return found


def diff_of(name: str) -> str:
    out = subprocess.run([str(MUTMUT), "show", name], cwd=WORK, capture_output=True, text=True)
    return out.stdout.strip()


def prepare() -> None:
    """A fresh copy of the project for mutmut, with the code under src/."""
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    shutil.copytree(ROOT / "scripts", WORK / "src", ignore=shutil.ignore_patterns("__pycache__"))
    for part in COPIED:
        (shutil.copytree if (ROOT / part).is_dir() else shutil.copyfile)(ROOT / part, WORK / part)
    (WORK / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")


def main() -> int:
    # --resume goes on with the mutants an interrupted run left unchecked; --report only writes the report.
    if "--report" in sys.argv:
        run = subprocess.CompletedProcess([], 0)
    else:
        if "--resume" not in sys.argv or not WORK.exists():
            prepare()
        filters = [f"atlas.{m}.*" for m in MODULES]
        run = subprocess.run([str(MUTMUT), "run", "--max-children", "2", *filters], cwd=WORK)
    found = results()
    counts = Counter(found.values())
    known = equivalents()
    survivors = sorted(n for n, s in found.items() if s == "survived")
    holes = [n for n in survivors if n not in known]
    tested = counts["killed"] + counts["survived"] + counts["timeout"]
    killed = counts["killed"] + counts["timeout"]
    score = 100.0 * killed / tested if tested else 0.0
    adjusted = 100.0 * (killed + len(survivors) - len(holes)) / tested if tested else 0.0
    unchecked = counts["not checked"]
    lines = [
        "# Mutation testing",
        "",
        *([f"**Incomplete run**: {unchecked} mutants were not checked yet (`make mutate MUTATE_ARGS=--resume` goes on).", ""]
          if unchecked else []),
        f"mutmut over `scripts/atlas/` modules {', '.join(MODULES)}, against the fast layer (`make test-fast`).",
        "",
        f"- mutants tested: {tested} (killed {counts['killed']}, timed out {counts['timeout']}, survived {counts['survived']}); "
        f"not run: {counts['no tests']} with no test reaching them, {counts['not checked']} not checked",
        f"- **score: {score:.1f}% killed**; {adjusted:.1f}% with the {len(survivors) - len(holes)} survivors judged equivalent",
        f"- survivors that are holes in the tests: {len(holes)}",
        "",
        "## Survivors",
        "",
    ]
    for name in survivors:
        verdict = f"equivalent: {known[name]}" if name in known else "**hole**: no test notices this change"
        lines += [f"### `{name}`", "", verdict, "", "```diff", diff_of(name), "```", ""]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "mutation.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (OUT / "mutation.json").write_text(json.dumps({"score": round(score, 1), "adjusted": round(adjusted, 1), "tested": tested,
                                                   "survived": len(survivors), "holes": len(holes)}) + "\n", encoding="utf-8")
    print(f"mutation score {score:.1f}% ({killed}/{tested}); {len(holes)} holes; report: build/bench/mutation.md")
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
