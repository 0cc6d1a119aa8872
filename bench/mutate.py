"""`make mutate`: mutation testing (mutmut 3) of the pipeline against the fast layer of the suite, written to
build/bench/mutation.md: the score, and every surviving mutant with its verdict.

Which modules: the validation modules and the rendering modules (charts, chartkit, figures, pages, blocks,
downloads, download pages, chart downloads, code tables), against the tests of the fast layer that read what
they produce. mutmut runs, for each mutant, only the tests that call the mutated function, and stops at the
first failure.

A sample, by default: the modules hold about 4,000 mutants, and a surviving mutant of a function every
validation runs costs the whole validation suite (minutes), so a full run takes many hours on 2 cores. The
sample is fixed (the mutants whose SHA-256 of the name is smallest, SAMPLE of them, the same on every machine
for the same code), so a run is repeatable and a new survivor is a change of the code or the tests, not luck.
`MUTATE_ARGS=--all` checks every mutant; `--sample N` another size. The report gives the score with its
95% interval (Wilson) for a sample.

mutmut finds code only under ./, src/ or source/, so the run happens in build/mutation/, a copy of the
project with scripts/ as src/ (and the mutmut settings in its pyproject.toml); nothing in the repository moves.

A survivor judged equivalent (it changes nothing a user can see) is listed in bench/mutation-equivalents.txt
as `<mutant name>  <reason>` with the change it judged; the report names a survivor of the same function and
the same change with that reason, and every other survivor as a hole.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "build" / "bench"
WORK = ROOT / "build" / "mutation"
COPIED = ["tests", "datapackage.json", "datasets", "docs", "mkdocs.yml", "overrides", "vendor", "CHANGELOG.md", "CITATION.cff",
          "README.md", "LICENSE"]
FAST = "not browser and not real and not build and not node"
TESTS = ["tests/test_validate.py", "tests/test_rules.py", "tests/test_periods.py", "tests/test_release.py", "tests/test_downloads.py",
         "tests/test_hostile.py", "tests/test_content.py", "tests/test_metadata.py", "tests/test_findable.py", "tests/test_escaping.py",
         "tests/test_chart_specs.py", "tests/test_new_table.py"]
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
# Each mutant is forked from a server that has only collected the tests: a worker forked from a process that
# has drawn charts hangs in vl-convert, whose rendering thread does not survive the fork.
process_isolation = "forkserver"
"""
# The charts drawn in the test process itself: mutmut maps a test to the functions it runs by tracing that process,
# and a chart drawn in the build's worker processes (chart_pool.py) would be credited to no test ("no tests").
ENV = {**os.environ, "ATLAS_CHART_WORKERS": "0"}
MODULES = ["periods", "rules", "derived", "problems", "textchecks", "frictionless_check", "validate", "tables", "package", "release",
           "descriptor_checks", "chart_declarations", "codes", "facts", "charts", "chartkit", "figures", "pages", "blocks", "downloads", "download_page",
           "chart_downloads"]
SAMPLE = 120
EQUIVALENTS = ROOT / "bench" / "mutation-equivalents.txt"
MUTMUT = Path(sys.executable).parent / "mutmut"
# mutmut's exit codes (mutmut.stats.status_by_exit_code), read here to write our own report.
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped", 36: "timeout", 24: "timeout",
          -24: "timeout", 152: "timeout", 255: "timeout", None: "not checked"}


@dataclass(frozen=True)
class Equivalent:
    name: str  # the mutant's name when it was judged
    reason: str
    change: tuple[str, ...]  # its - and + lines, stripped: what the reason was written for


def change_of(diff: str) -> tuple[str, ...]:
    """The - and + lines of a `mutmut show` diff, each stripped after its sign: the change, wherever it is numbered."""
    return tuple(line[0] + line[1:].strip() for line in diff.splitlines()
                 if line[:1] in "-+" and not line.startswith(("---", "+++")))


def equivalents(text: str | None = None) -> list[Equivalent]:
    if text is None:
        text = EQUIVALENTS.read_text(encoding="utf-8") if EQUIVALENTS.exists() else ""
    out: list[Equivalent] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith((" ", "\t")):
            last = out.pop()
            out.append(Equivalent(last.name, last.reason, last.change + change_of(line.strip())))
        else:
            name, _, reason = line.partition("  ")
            out.append(Equivalent(name.strip(), reason.strip(), ()))
    return out


def function_of(name: str) -> str:
    return name.rsplit("__mutmut_", 1)[0]


def verdict_of(name: str, diff: str, known: list[Equivalent]) -> tuple[bool, str]:
    """(equivalent?, what the report says): equivalent when an entry of the same function judged this very change,
    under this number or another; an entry under this number that judged another change excuses nothing."""
    change = change_of(diff)
    for e in known:
        if function_of(e.name) == function_of(name) and e.change == change:
            moved = "" if e.name == name else f" (judged as `{e.name}`: mutmut's numbers moved)"
            return True, f"equivalent: {e.reason}{moved}"
    stale = [e for e in known if e.name == name]
    if stale:
        return False, ("**hole**: no test notices this change (bench/mutation-equivalents.txt judged another change under "
                       "this name; judge this one)")
    return False, "**hole**: no test notices this change"


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


def generate() -> None:
    """Have mutmut write every mutant (and its map of which tests call which function) without running any:
    mutmut 3 has no command for that alone, so this asks it to run a name no mutant has, which it refuses
    after the mutants are written."""
    subprocess.run([str(MUTMUT), "run", "atlas.no-such-module.*"], cwd=WORK, capture_output=True, env=ENV)


def credit_the_tiny_build() -> None:
    """mutmut 3 credits a function to the tests during which it ran, and runs only those against its mutants. The
    tiny site is a session fixture, built during the setup of the first test that asks for it: every function the
    build calls would be credited to that one test alone, and a chart's mutant checked by a test that reads no
    chart. So every test that reads the tiny build is credited with every function its first reader ran."""
    stats_file = WORK / "mutants" / "mutmut-stats.json"
    stats = json.loads(stats_file.read_text(encoding="utf-8"))
    readers = set()
    for test_file in TESTS:
        text = (WORK / test_file).read_text(encoding="utf-8")
        names = {m.group(1) for m in re.finditer(r"^def (test_\w+)\(([^)]*)\)", text, re.M) if "tiny_site" in m.group(2)}
        readers |= {t for t in stats["duration_by_test"] if t.startswith(test_file + "::") and t.split("::")[1].split("[")[0] in names}
    for function, tests in stats["tests_by_mangled_function_name"].items():
        if set(tests) & readers:
            stats["tests_by_mangled_function_name"][function] = sorted(set(tests) | readers)
    stats_file.write_text(json.dumps(stats), encoding="utf-8")


def all_mutants() -> list[str]:
    names = []
    for module in MODULES:
        meta = WORK / "mutants" / "src" / "atlas" / f"{module}.py.meta"
        if meta.exists():
            names += json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
    return sorted(names)


def sample_size() -> int:
    return int(sys.argv[sys.argv.index("--sample") + 1]) if "--sample" in sys.argv else SAMPLE


def sample(size: int) -> list[str]:
    return sorted(sorted(all_mutants(), key=lambda n: hashlib.sha256(n.encode()).hexdigest())[:size])


def wilson(killed: int, n: int) -> tuple[float, float]:
    """The 95% Wilson interval of a proportion, in percent."""
    if not n:
        return 0.0, 0.0
    z, p = 1.96, killed / n
    centre, half = (p + z * z / (2 * n)) / (1 + z * z / n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return 100 * (centre - half), 100 * (centre + half)


def main() -> int:
    # --resume goes on with the mutants an interrupted run left unchecked; --report only writes the report.
    chosen_file = WORK / "chosen.json"
    if "--report" in sys.argv or "--resume" in sys.argv and WORK.exists():
        chosen = json.loads(chosen_file.read_text(encoding="utf-8")) if chosen_file.exists() else None
    else:
        prepare()
        generate()
        credit_the_tiny_build()
        chosen = None if "--all" in sys.argv else sample(sample_size())
        chosen_file.write_text(json.dumps(chosen), encoding="utf-8")
    if "--report" in sys.argv:
        run = subprocess.CompletedProcess([], 0)
    else:
        names = chosen if chosen is not None else [f"atlas.{m}.*" for m in MODULES]
        run = subprocess.run([str(MUTMUT), "run", "--max-children", "2", *names], cwd=WORK, env=ENV)
    found = results()
    if chosen is not None:
        found = {name: found.get(name, "not checked") for name in chosen}
    counts = Counter(found.values())
    known = equivalents()
    # A mutant that no test reaches survives as surely as one the tests run and miss: both count against the score.
    survivors = sorted(n for n, s in found.items() if s in ("survived", "no tests"))
    diffs = {name: diff_of(name) for name in survivors}
    verdicts = {name: verdict_of(name, diffs[name], known) for name in survivors}
    holes = [n for n in survivors if not verdicts[n][0]]
    killed = counts["killed"] + counts["timeout"]
    tested = killed + len(survivors)
    score = 100.0 * killed / tested if tested else 0.0
    adjusted = 100.0 * (killed + len(survivors) - len(holes)) / tested if tested else 0.0
    low, high = wilson(killed, tested)
    unchecked = counts["not checked"]
    what = (f"a fixed sample of {len(chosen)} of the {len(all_mutants())} mutants (the {len(chosen)} whose name has the "
            "smallest SHA-256; `make mutate MUTATE_ARGS=--all` runs every one)" if chosen is not None else "every mutant")
    lines = [
        "# Mutation testing",
        "",
        *([f"**Incomplete run**: {unchecked} mutants were not checked yet (`make mutate MUTATE_ARGS=--resume` goes on).", ""]
          if unchecked else []),
        f"mutmut over `scripts/atlas/` modules {', '.join(MODULES)}, against the fast layer's tests that read them "
        f"({', '.join(Path(t).name for t in TESTS)}): {what}.",
        "",
        f"- mutants counted: {tested}: killed {counts['killed']}, timed out {counts['timeout']} (counted as killed), "
        f"survived {counts['survived']}, reached by no test {counts['no tests']} (counted as survivors); {unchecked} not checked",
        f"- **score: {score:.1f}% killed**" + (f" (95% interval for all the modules' mutants: {low:.1f}% to {high:.1f}%)" if chosen is not None else "")
        + f"; {adjusted:.1f}% with the {len(survivors) - len(holes)} survivors judged equivalent",
        f"- survivors that are holes in the tests: {len(holes)}",
        "",
        "## Survivors",
        "",
    ]
    for name in survivors:
        verdict = verdicts[name][1]
        if found[name] == "no tests":
            verdict += " (no test of the fast layer calls this function)"
        lines += [f"### `{name}`", "", verdict, "", "```diff", diffs[name], "```", ""]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "mutation.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (OUT / "mutation.json").write_text(json.dumps({"score": round(score, 1), "adjusted": round(adjusted, 1), "tested": tested,
                                                   "survived": len(survivors), "holes": len(holes), "sample": chosen is not None,
                                                   "interval": [round(low, 1), round(high, 1)]}) + "\n", encoding="utf-8")
    print(f"mutation score {score:.1f}% ({killed}/{tested}); {len(holes)} holes; report: build/bench/mutation.md")
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
