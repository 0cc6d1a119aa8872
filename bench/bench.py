"""`make bench`: measure the site as a reader meets it and the pipeline as its users run it.

Writes build/bench/report.json and build/bench/report.md with:
- Lighthouse 12 (Debian's Chromium, no network) on every page, mobile and desktop: the four category
  scores, bytes transferred, LCP and TBT; the median of several runs for pages with charts;
- the same for a baseline page that draws the Market page's charts live, with the vega runtime
  loaded up front (the usual way), so that the report states the ratio;
- axe-core violations per page (through Playwright);
- the interactive view's cost on the Sales page: bytes transferred after "Explore interactively" is
  pressed and the time until the live chart is drawn, on a phone (390 px) under Chromium's mobile
  throttling (150 ms latency, 1.6 Mbit/s down, 4x CPU);
- the weight of the assets every page shares;
- `make site` time from a clean tree and from a warm one;
- `make serve` as an author meets it: in a fresh clone, the seconds from an edit to docs/index.md and to
  datasets/sources.csv until the served HTML shows it (`--preview-only` runs this part alone);
- validation time and rows per second on the real package and on synthetic packages of 10k, 100k and 1M
  sales rows (generated here, never committed) beside pandas reading the same CSV (`--validation-only`
  runs this part alone).

Speed is measured here, never asserted by a test.
"""
from __future__ import annotations

import argparse
import csv
import functools
import gzip
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from atlas.package import DataPackage  # noqa: E402
from footing import GOAL as FOOTING_GOAL, footing  # noqa: E402  (bench/footing.py, beside this file)

SITE = ROOT / "build" / "site"
OUT = ROOT / "build" / "bench"
NODE = ROOT / "bench" / "node_modules"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROME_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".csv", ".txt")
BASELINE = "/market-live/"
# Chromium's "slow 4G" as Lighthouse's mobile preset throttles it: 150 ms, 1.6 Mbit/s down, 750 kbit/s up, 4x CPU.
THROTTLE = {"latency": 150, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 750e3 / 8, "cpu": 4}
INTERACTIVE_PAGE = "/sales/"
GOALS = {"performance_mobile": 95, "accessibility": 100, "best-practices": 100, "seo": 100, "chart_page_kib": 150, "site_seconds": 10}


class GzipHandler(SimpleHTTPRequestHandler):
    """A static host as readers meet one: text compressed with gzip when the browser accepts it."""

    extra_roots: dict[str, Path] = {}

    def log_message(self, *args):
        pass

    def translate_path(self, path):
        for prefix, root in self.extra_roots.items():
            if path.startswith(prefix):
                return str(root / path[len(prefix):].split("?")[0].lstrip("/") or root)
        return super().translate_path(path)

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if "gzip" not in self.headers.get("Accept-Encoding", "") or path.suffix not in COMPRESSIBLE or not path.is_file():
            return super().send_head()
        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        return io.BytesIO(body)


def serve(root: Path, extra: dict[str, Path]) -> tuple[ThreadingHTTPServer, str]:
    handler = type("Handler", (GzipHandler,), {"extra_roots": extra})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def timed(cmd: list[str], env=None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def site_build_times() -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "scripts")}
    shutil.rmtree(ROOT / "build" / "site", ignore_errors=True)
    for stale in (ROOT / "build").glob(".staging-*"):
        shutil.rmtree(stale, ignore_errors=True)
    clean = timed([sys.executable, "-m", "atlas", "site"], env)
    warm = timed([sys.executable, "-m", "atlas", "site"], env)
    return {"clean_s": round(clean, 2), "warm_s": round(warm, 2)}


def _get(url: str) -> str:
    import urllib.request

    with urllib.request.urlopen(url, timeout=30) as r:
        return r.read().decode("utf-8")


def _until(url: str, test, proc, limit: float = 600) -> float:
    """Seconds until the page at `url` passes `test`, polled every 50 ms."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        if proc.poll() is not None:
            raise RuntimeError(f"make serve stopped (exit {proc.returncode})")
        try:
            if test(_get(url)):
                return time.perf_counter() - start
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{url}: not shown after {limit} s")


def live_preview(runs: int = 3) -> dict:
    """`make serve`'s command in a fresh clone of HEAD: the first build, then `runs` times an edit to docs/index.md
    (a new paragraph) and to datasets/sources.csv (a source's title), each timed from the write until the served
    HTML shows it; for the CSV also until the validation banner has gone (the data shown checked)."""
    import tempfile

    from atlas.preview import BANNER_ID

    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    dirty = bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True).stdout.strip())
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(clone)], check=True)
        subprocess.run(["git", "checkout", "--quiet", head], cwd=clone, check=True)
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        base = f"http://127.0.0.1:{port}/"
        env = {**os.environ, "PYTHONPATH": str(clone / "scripts")}
        log = (Path(tmp) / "serve.log").open("w")
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "atlas", "serve", "--port", str(port)], cwd=clone, env=env,
                                stdout=log, stderr=subprocess.STDOUT)
        try:
            _until(base, lambda t: BANNER_ID not in t, proc)
            first = time.perf_counter() - start
            docs, data, checked = [], [], []
            sources = clone / "datasets" / "sources.csv"
            with sources.open(encoding="utf-8", newline="") as fh:
                title = next(csv.DictReader(fh))["title"]
            for i in range(runs):
                word = f"Benchword{i}x{os.getpid()}"
                page = clone / "docs" / "index.md"
                page.write_text(page.read_text(encoding="utf-8") + f"\n{word}.\n", encoding="utf-8")
                docs.append(_until(base, lambda t: word in t, proc))
                time.sleep(1)
                text = sources.read_text(encoding="utf-8")
                new_title = f"{title} {word}"
                sources.write_text(text.replace(title, new_title, 1), encoding="utf-8")
                written = time.perf_counter()
                data.append(_until(base + "sources/", lambda t: html_escape(new_title) in t, proc))
                _until(base + "sources/", lambda t: BANNER_ID not in t, proc)
                checked.append(time.perf_counter() - written)
                title = new_title
                time.sleep(1)
        finally:
            proc.terminate()
            proc.wait(timeout=60)
            log.close()
    return {"clone_of": head + (" (the working tree had uncommitted changes, not measured)" if dirty else ""),
            "first_build_s": round(first, 2), "runs": runs,
            "docs_edit_s": [round(x, 2) for x in docs], "csv_edit_s": [round(x, 2) for x in data],
            "csv_edit_validated_s": [round(x, 2) for x in checked]}


def html_escape(text: str) -> str:
    import html

    return html.escape(text)


def preview_md(p: dict) -> list[str]:
    return ["## Live preview (`make serve`)", "",
            f"A fresh clone of {p['clone_of']}; first build {p['first_build_s']} s; {p['runs']} edits of each kind, seconds from the "
            "write until the served HTML shows it (polled every 50 ms).", "",
            "| edit | shown after (s) | banner gone, data validated (s) |", "|---|---|---|",
            f"| docs/index.md: a new paragraph | {', '.join(map(str, p['docs_edit_s']))} | (no validation needed) |",
            f"| datasets/sources.csv: a source's title | {', '.join(map(str, p['csv_edit_s']))} | {', '.join(map(str, p['csv_edit_validated_s']))} |"]


def preview_goals(p: dict) -> list[dict]:
    return [{"goal": f"make serve shows an edit within 2 s ({what})", "target": "<= 2 s", "measured": f"{max(p[key]):.2f} s (worst of {p['runs']})",
             "met": max(p[key]) <= 2} for what, key in (("docs/index.md", "docs_edit_s"), ("datasets/sources.csv", "csv_edit_s"),
                                                          ("datasets/sources.csv, validated", "csv_edit_validated_s"))]


def suite_times() -> dict:
    """Wall time of `make test-fast` and `make test` (pytest's own timing, as it prints it), and the
    mutation score `make mutate` last wrote. Timed here, never inside a test."""
    out = {}
    for target in ("test-fast", "test"):
        start = time.perf_counter()
        run = subprocess.run(["make", "-s", target], cwd=ROOT, capture_output=True, text=True)
        wall = time.perf_counter() - start
        last = (run.stdout.strip().splitlines() or [""])[-1]
        out[target] = {"wall_s": round(wall, 1), "ok": run.returncode == 0, "summary": last.strip("= ")}
    mutation = OUT / "mutation.json"
    out["mutation"] = json.loads(mutation.read_text(encoding="utf-8")) if mutation.exists() else None
    return out


def pages_of(site: Path) -> list[str]:
    out = []
    for index in sorted(site.rglob("index.html")):
        rel = index.parent.relative_to(site).as_posix()
        out.append("/" if rel == "." else f"/{rel}/")
    return out


def has_charts(site: Path, page: str) -> bool:
    path = site / page.strip("/") / "index.html" if page != "/" else site / "index.html"
    # the chart's figure, not the class name: every page's head carries the charts' inline style
    return '<figure class="atlas-chart"' in path.read_text(encoding="utf-8")


def write_baseline(site: Path, out: Path) -> None:
    """The Market page as sites usually draw charts: the full vega runtime loaded in <head>, every chart
    embedded on load, no static image."""
    html = (site / "market" / "index.html").read_text(encoding="utf-8")
    import re

    html = re.sub(r'<div class="atlas-chart__static">.*?</div>', "", html, flags=re.S)
    html = html.replace('<div class="atlas-chart__live" hidden></div>', '<div class="atlas-chart__live"></div>')
    loader = ('<script src="../assets/vega/vega-runtime.js"></script>\n<script>document.addEventListener("DOMContentLoaded",'
              'function(){document.querySelectorAll("figure.atlas-chart").forEach(function(f){'
              'fetch(new URL(f.getAttribute("data-spec").replace(/\\.vl\\.json$/,".vg.json"),location.href).href).then(function(r){return r.json();})'
              '.then(function(spec){return new vega.View(vega.parse(spec),{renderer:"svg",container:f.querySelector(".atlas-chart__live"),hover:true}).runAsync();});});});</script>\n')
    html = html.replace("</head>", loader + "</head>", 1)
    out.mkdir(parents=True, exist_ok=True)
    (out / "index.html").write_text(html, encoding="utf-8")


def lighthouse(url: str, form: str, runs: int) -> dict:
    results = []
    for i in range(runs):
        path = OUT / "lighthouse" / f"{url.split('/', 3)[-1].strip('/').replace('/', '_') or 'home'}-{form}-{i}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        cmd = [str(NODE / ".bin" / "lighthouse"), url, "--quiet", "--output=json", f"--output-path={path}",
               "--only-categories=performance,accessibility,best-practices,seo", f"--chrome-flags={' '.join(CHROME_FLAGS)}"]
        if form == "desktop":
            cmd.append("--preset=desktop")
        subprocess.run(cmd, env={**os.environ, "CHROME_PATH": CHROMIUM}, check=True, capture_output=True, timeout=300)
        data = json.loads(path.read_text(encoding="utf-8"))
        audits = data["audits"]
        results.append({
            **{k: round(v["score"] * 100) for k, v in data["categories"].items()},
            "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
            "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
            "bytes": round(audits["total-byte-weight"]["numericValue"]),
        })
    return {k: statistics.median(r[k] for r in results) for k in results[0]} | {"runs": runs}


def axe_violations(base: str, pages: list[str]) -> dict:
    from playwright.sync_api import sync_playwright

    axe = (NODE / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
    out = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[f for f in CHROME_FLAGS if f != "--headless=new"])
        page = browser.new_page()
        for path in pages:
            page.goto(base + path, wait_until="load")
            page.add_script_tag(content=axe)
            result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                                   ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length}))")
            out[path] = result
        browser.close()
    return out


def interactive_cost(base: str, page_path: str = INTERACTIVE_PAGE, runs: int = 3) -> dict:
    """Press the first chart's button on `page_path` at phone width, throttled: bytes that cross the wire
    after the press (CDP encodedDataLength, gzip as served), and the time from the press until the live
    chart is drawn (the page's own clock, after the next frame). Median of `runs` cold loads."""
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[f for f in CHROME_FLAGS if f != "--headless=new"])
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True)
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": THROTTLE["latency"],
                     "downloadThroughput": THROTTLE["downloadThroughput"], "uploadThroughput": THROTTLE["uploadThroughput"]})
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": THROTTLE["cpu"]})
            urls, sizes, pressed = {}, {}, {"at": None}
            cdp.on("Network.requestWillBeSent", lambda e: urls.setdefault(e["requestId"], (e["request"]["url"], pressed["at"] is not None)))
            cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
            page.goto(base + page_path, wait_until="networkidle")
            # The button works once charts.js has wired the figure (late on a 4x slower CPU).
            page.wait_for_selector("figure.atlas-chart[data-wired] .atlas-chart__explore:visible", timeout=120000)
            pressed["at"] = time.time()
            page.evaluate("() => { window.__atlasPress = performance.now();"
                          " document.querySelector('figure.atlas-chart .atlas-chart__explore').click(); }")
            page.wait_for_function("() => document.querySelector('figure.atlas-chart[data-live]')?.getAttribute('data-live') === 'ready'"
                                   " && document.querySelector('figure.atlas-chart .atlas-chart__live svg')", timeout=120000)
            drawn_ms = page.evaluate("() => new Promise(r => requestAnimationFrame(() => r(performance.now() - window.__atlasPress)))")
            page.wait_for_load_state("networkidle")
            after = {urls[i][0]: sizes.get(i, 0) for i in urls if urls[i][1]}
            results.append({"bytes_after_press": sum(after.values()), "drawn_ms": round(drawn_ms),
                            "requests": {u.rsplit("/", 1)[-1]: n for u, n in sorted(after.items())}})
            context.close()
        browser.close()
    results.sort(key=lambda r: r["drawn_ms"])
    median = results[len(results) // 2]
    return {"page": page_path, "runs": runs, "throttle": THROTTLE, **median,
            "drawn_ms_all": [r["drawn_ms"] for r in results]}


def shared_asset_weight(site: Path) -> dict:
    html = (site / "index.html").read_text(encoding="utf-8")
    import re

    assets = sorted(set(re.findall(r'(?:href|src)="(assets/[^"]+\.(?:css|js))"', html)))
    weights = {a: len(gzip.compress((site / a).read_bytes(), mtime=0)) for a in assets}
    return {"files": weights, "total_gzip_bytes": sum(weights.values()),
            "vega_runtime_gzip_bytes": len(gzip.compress((site / "assets/vega/vega-runtime.js").read_bytes(), mtime=0))}


def synthetic_package(rows: int, folder: Path) -> Path:
    """A copy of the real package whose sales table holds its real rows (which other tables cite) and
    `rows` valid generated ones after them."""
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(ROOT / "datasets", folder / "datasets")
    shutil.copyfile(ROOT / "datapackage.json", folder / "datapackage.json")
    (folder / "vendor").symlink_to(ROOT / "vendor", target_is_directory=True)  # the country outlines coordinates-in-country reads
    pkg = DataPackage(folder / "datapackage.json")
    models = [r["model_id"] for r in pkg.rows("models")]
    sources = [r["source_id"] for r in pkg.rows("sources")]
    from datetime import date, timedelta

    buf = io.StringIO()
    buf.write(pkg.path("sales").read_text(encoding="utf-8"))
    w = csv.writer(buf, lineterminator="\n")
    day, n = date(1990, 1, 1), 0
    while n < rows:
        d = day.isoformat()
        for model in models:
            for i, source in enumerate(sources):
                if n >= rows:
                    break
                # one-day spans: no month or year to add up to, one preferred row per fact
                w.writerow([model, "JP", f"{d}/{d}", d, d, "sales", n % 997, "false", "reported",
                            "true" if i == 0 else "false", source, ""])
                n += 1
        day += timedelta(days=1)
    (folder / "datasets" / "sales.csv").write_text(buf.getvalue(), encoding="utf-8")
    return folder / "datapackage.json"


def validation_scaling(sizes: list[int]) -> list[dict]:
    """`python -m atlas validate` on the real package and on synthetic ones, timed as a user runs it (a fresh
    process, so the figures include Python's start and the imports). Rows per second are given twice: over
    the whole run, and at the margin (the rows and seconds beyond the real package's), which is the
    validator's own rate once its fixed cost is paid; the two converge as the table grows."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "scripts")}
    validate = lambda d: subprocess.run([sys.executable, "-m", "atlas", "validate", str(d)], cwd=ROOT, env=env,  # noqa: E731
                                        capture_output=True, text=True)
    validate(ROOT / "datapackage.json")  # once untimed, so that the first timing does not pay for cold caches
    out, base = [], None
    for label, size in [("real", 0)] + [(f"{n:,}", n) for n in sizes]:
        # each size is run once: a million rows takes a minute or more
        descriptor = ROOT / "datapackage.json" if label == "real" else synthetic_package(size, OUT / f"synthetic-{size}")
        rows = sum(1 for _ in open(descriptor.parent / "datasets" / "sales.csv", encoding="utf-8")) - 1
        start = time.perf_counter()
        run = validate(descriptor)
        validate_s = time.perf_counter() - start
        read_s = timed([sys.executable, "-c", f"import pandas as pd; pd.read_csv({str(descriptor.parent / 'datasets' / 'sales.csv')!r})"], env)
        entry = {"package": label, "sales_rows": rows, "valid": run.returncode == 0, "validate_s": round(validate_s, 2),
                 "pandas_read_s": round(read_s, 2), "validate_us_per_row": round(validate_s / max(rows, 1) * 1e6, 1),
                 "rows_per_s": round(rows / validate_s)}
        if base is None:
            base = (rows, validate_s)
        elif validate_s > base[1]:
            entry["marginal_rows_per_s"] = round((rows - base[0]) / (validate_s - base[1]))
        out.append(entry)
        print(f"validation {label}: {entry}", flush=True)
        if label != "real":
            shutil.rmtree(descriptor.parent)
    return out


def validation_md(rows: list[dict]) -> list[str]:
    lines = ["| package | sales rows | valid | validate s | rows per s | rows per s at the margin | µs per row | pandas read_csv s |",
             "|---|---|---|---|---|---|---|---|"]
    for v in rows:
        marginal = f"{v['marginal_rows_per_s']:,}" if "marginal_rows_per_s" in v else "–"
        lines.append(f"| {v['package']} | {v['sales_rows']:,} | {'yes' if v.get('valid', True) else '**no**'} | {v['validate_s']} | "
                     f"{v.get('rows_per_s', 0):,} | {marginal} | {v['validate_us_per_row']} | {v['pandas_read_s']} |")
    return lines


def report_md(r: dict) -> str:
    lines = ["# Kei EV Atlas benchmark", "", f"Measured {r['measured']} on {r['machine']}. Reproduce with `make bench`.", "",
             "## Goals", "", "| goal | target | measured | met |", "|---|---|---|---|"]
    for g in r["goals"]:
        lines.append(f"| {g['goal']} | {g['target']} | {g['measured']} | {'yes' if g['met'] else '**no**'} |")
    lines += ["", "## Lighthouse 12 per page", "", "Median of the runs shown; bytes are transferred before any interaction (gzip).", "",
              "| page | form | perf | a11y | best pr. | SEO | LCP ms | TBT ms | KiB | runs |", "|---|---|---|---|---|---|---|---|---|---|"]
    for page, forms in r["lighthouse"].items():
        for form, m in forms.items():
            lines.append(f"| {page} | {form} | {m['performance']} | {m['accessibility']} | {m['best-practices']} | {m['seo']} | "
                         f"{m['lcp_ms']} | {m['tbt_ms']} | {m['bytes'] / 1024:.0f} | {m['runs']} |")
    b = r["baseline"]
    lines += ["", "## Static-first against the usual way", "",
              f"The Market page against the same page drawing its charts live with the vega runtime loaded up front ({BASELINE}).", "",
              "| form | measure | static first | live on load | ratio (live / static) |", "|---|---|---|---|---|"]
    for form, cmp in b.items():
        for k, v in cmp.items():
            lines.append(f"| {form} | {k} | {v['static']} | {v['live']} | {v['ratio']} |")
    ia = r.get("interactive")
    if ia:
        lines += ["", "## The interactive view", "",
                  f"{ia['page']}, first chart, phone (390 px), {ia['throttle']['latency']} ms latency, "
                  f"{ia['throttle']['downloadThroughput'] * 8 / 1e6:g} Mbit/s, {ia['throttle']['cpu']}x CPU, cache off; median of {ia['runs']} "
                  f"(drawn after {', '.join(map(str, ia['drawn_ms_all']))} ms).", "",
                  f"Transferred after the press: {ia['bytes_after_press'] / 1024:.1f} KiB; drawn {ia['drawn_ms']} ms after the press.", "",
                  "| file | bytes on the wire |", "|---|---|"] + [f"| {k} | {v:,} |" for k, v in ia["requests"].items()]
    lines += ["", "## axe-core", "", "| page | violations |", "|---|---|"]
    for page, v in r["axe"].items():
        lines.append(f"| {page} | {len(v)}{': ' + ', '.join(x['id'] for x in v) if v else ''} |")
    s = r["assets"]
    lines += ["", "## Shared assets", "", f"Every page loads {s['total_gzip_bytes'] / 1024:.1f} KiB of shared CSS and JavaScript (gzip); "
              f"the vega runtime, loaded only on request, is {s['vega_runtime_gzip_bytes'] / 1024:.1f} KiB.", "",
              "| asset | gzip bytes |", "|---|---|"] + [f"| {k} | {v:,} |" for k, v in s["files"].items()]
    st = r.get("suites")
    if st:
        lines += ["", "## Test suites", "", "| command | wall s | passed | pytest's summary |", "|---|---|---|---|"]
        for target in ("test-fast", "test"):
            lines.append(f"| `make {target}` | {st[target]['wall_s']} | {'yes' if st[target]['ok'] else '**no**'} | {st[target]['summary']} |")
        m = st["mutation"]
        lines += ["", (f"Mutation score (`make mutate`, build/bench/mutation.md): {m['score']}% of {m['tested']} mutants killed, "
                       f"{m['survived']} survivors, {m['holes']} of them holes." if m else "Mutation score: run `make mutate` first.")]
    t = r["site_build"]
    lines += ["", "## Build and validation time", "", f"`make site`: {t['clean_s']} s from a clean tree, {t['warm_s']} s warm "
              "(the virtual environment already installed).", "",
              ] + validation_md(r["validation"])
    if r.get("preview"):
        lines += [""] + preview_md(r["preview"])
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="Lighthouse runs for pages with charts (median)")
    ap.add_argument("--sizes", default="10000,100000,1000000", help="synthetic sales rows for the validation benchmark")
    ap.add_argument("--pages", default="", help="only these pages (comma-separated paths), for a quick look")
    ap.add_argument("--no-suites", action="store_true", help="skip timing make test-fast and make test")
    ap.add_argument("--validation-only", action="store_true",
                    help="only the validation benchmark (no browser, no build): writes build/bench/validation.json and .md")
    ap.add_argument("--preview-only", action="store_true",
                    help="only the live preview (make serve in a fresh clone): writes build/bench/preview.json and .md")
    ap.add_argument("--interactive-only", action="store_true",
                    help="only the interactive view's cost on the Sales page (the site already built)")
    args = ap.parse_args()
    if args.validation_only:
        OUT.mkdir(parents=True, exist_ok=True)
        result = {"measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": f"{os.cpu_count()} cores",
                  "validation": validation_scaling([int(x) for x in args.sizes.split(",") if x])}
        (OUT / "validation.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        md = [f"Validation, measured {result['measured']} on {result['machine']}.", ""] + validation_md(result["validation"])
        (OUT / "validation.md").write_text("\n".join(md) + "\n", encoding="utf-8")
        print("\n".join(md))
        return 0
    if args.preview_only:
        OUT.mkdir(parents=True, exist_ok=True)
        result = {"measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": f"{os.cpu_count()} cores",
                  "preview": live_preview()}
        result["goals"] = preview_goals(result["preview"])
        (OUT / "preview.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        md = [f"Measured {result['measured']} on {result['machine']}.", ""] + preview_md(result["preview"]) + ["", "| goal | target | measured | met |", "|---|---|---|---|"]
        md += [f"| {g['goal']} | {g['target']} | {g['measured']} | {'yes' if g['met'] else '**no**'} |" for g in result["goals"]]
        (OUT / "preview.md").write_text("\n".join(md) + "\n", encoding="utf-8")
        print("\n".join(md))
        return 0
    if args.interactive_only:
        OUT.mkdir(parents=True, exist_ok=True)
        httpd, base = serve(SITE, {})
        try:
            result = interactive_cost(base)
        finally:
            httpd.shutdown()
        (OUT / "interactive.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        print(json.dumps(result, indent=1))
        return 0
    if not (NODE / ".bin" / "lighthouse").exists():
        print("bench/node_modules is missing: run `make bench`, which installs it", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    report: dict = {"measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": f"{os.cpu_count()} cores"}
    report["site_build"] = site_build_times()
    report["preview"] = live_preview()
    if not args.no_suites:
        report["suites"] = suite_times()
    write_baseline(SITE, OUT / "market-live")
    httpd, base = serve(SITE, {BASELINE: OUT / "market-live"})
    try:
        pages = args.pages.split(",") if args.pages else pages_of(SITE)
        report["lighthouse"] = {}
        for page in pages + ([BASELINE] if "/market/" in pages else []):
            runs = args.runs if page == BASELINE or has_charts(SITE, page) else 1
            report["lighthouse"][page] = {form: lighthouse(base + page, form, runs) for form in ("mobile", "desktop")}
            print(f"lighthouse {page}: {report['lighthouse'][page]}", flush=True)
        report["axe"] = axe_violations(base, pages)
        if "/sales/" in pages:
            report["interactive"] = interactive_cost(base)
    finally:
        httpd.shutdown()
    report["baseline"] = {}
    for form in ("mobile", "desktop") if "/market/" in report["lighthouse"] else ():
        static, live = report["lighthouse"]["/market/"][form], report["lighthouse"][BASELINE][form]
        report["baseline"][form] = {k: {"static": static[k], "live": live[k], "ratio": round(live[k] / static[k], 2) if static[k] else None}
                                    for k in ("performance", "lcp_ms", "tbt_ms", "bytes")}
    report["assets"] = shared_asset_weight(SITE)
    report["validation"] = validation_scaling([int(x) for x in args.sizes.split(",") if x])
    report["footing"] = footing()
    lh = {p: f for p, f in report["lighthouse"].items() if p != BASELINE}
    chart_pages = [p for p in lh if has_charts(SITE, p)]
    worst = lambda key, form="mobile", pages=lh: min(v[form][key] for p, v in lh.items() if p in pages)  # noqa: E731
    report["goals"] = [
        {"goal": "mobile performance, every page", "target": ">= 95", "measured": worst("performance"), "met": worst("performance") >= 95},
        *[{"goal": f"{c}, every page (mobile and desktop)", "target": "100", "measured": min(worst(c), worst(c, "desktop")),
           "met": min(worst(c), worst(c, "desktop")) >= 100} for c in ("accessibility", "best-practices", "seo")],
        {"goal": "axe violations", "target": "0", "measured": sum(len(v) for v in report["axe"].values()),
         "met": not any(report["axe"].values())},
        {"goal": "chart page bytes before interaction", "target": "<= 150 KiB",
         "measured": f"{max(lh[p]['mobile']['bytes'] for p in chart_pages) / 1024:.0f} KiB" if chart_pages else "n/a",
         "met": all(lh[p]["mobile"]["bytes"] <= 150 * 1024 for p in chart_pages)},
        *([{"goal": "interactive view: bytes after the press (Sales, throttled phone)", "target": "<= 150 KiB",
             "measured": f"{report['interactive']['bytes_after_press'] / 1024:.0f} KiB",
             "met": report["interactive"]["bytes_after_press"] <= 150 * 1024},
            {"goal": "interactive view: press to drawn (Sales, throttled phone)", "target": "<= 2 s",
             "measured": f"{report['interactive']['drawn_ms'] / 1000:.2f} s", "met": report["interactive"]["drawn_ms"] <= 2000}]
          if report.get("interactive") else []),
        {"goal": "make site from a clean tree", "target": "<= 10 s", "measured": f"{report['site_build']['clean_s']} s",
         "met": report["site_build"]["clean_s"] <= 10},
        *preview_goals(report["preview"]),
        {"goal": "fact rows on a tier A/B source, publisher's or licensed copy (bench/footing.py)", "target": f">= {FOOTING_GOAL:g}%",
         "measured": f"{report['footing']['pct']}% ({report['footing']['firm']}/{report['footing']['rows']})",
         "met": report["footing"]["pct"] >= FOOTING_GOAL},
    ]
    if report.get("suites"):
        st = report["suites"]
        report["goals"] += [
            {"goal": "make test-fast", "target": "<= 30 s", "measured": f"{st['test-fast']['wall_s']} s", "met": st["test-fast"]["wall_s"] <= 30},
            {"goal": "make test", "target": "<= 180 s", "measured": f"{st['test']['wall_s']} s", "met": st["test"]["wall_s"] <= 180},
            {"goal": "mutation score (make mutate)", "target": ">= 85%",
             "measured": f"{st['mutation']['score']}%" if st["mutation"] else "not run", "met": bool(st["mutation"]) and st["mutation"]["score"] >= 85},
        ]
    (OUT / "report.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    (OUT / "report.md").write_text(report_md(report), encoding="utf-8")
    print(f"report: {(OUT / 'report.md').relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
