"""The charts of a clean build built and drawn in two worker processes, so that both cores work: building a
chart's specs is Python (Altair) and drawing it is vl-convert, which draws one spec at a time per process.

The workers are forked before the validation, so that vl-convert's start-up in each overlaps it; they read the
package themselves, only when their first chart is asked for, which is after the validation has passed. Nothing
outlives the build: the pool and what its workers loaded end with it.
"""
from __future__ import annotations

import contextlib
import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

WORKERS = 2
# ATLAS_CHART_WORKERS=0 draws the charts in the building process: mutation testing (bench/mutate.py) maps each
# test to the functions it runs by tracing this process, and code run in a worker is invisible to it.
IN_PROCESS = "ATLAS_CHART_WORKERS"
# What the chart code may read from the environment: the build's own settings, passed to every task, since a
# fork server's children have the environment the server started with.
ENV = ("SOURCE_DATE_EPOCH", "ATLAS_SITE_URL", "ATLAS_TODAY")

_loaded: dict[str, tuple] = {}  # per worker: descriptor -> (Data, declarations)


def _warm() -> None:
    """vl-convert's first call starts its JavaScript runtime (about half a second): paid while the validation runs."""
    import vl_convert as vlc

    vlc.vega_to_svg({"width": 1, "height": 1})


def _charts(descriptor: str):
    if descriptor not in _loaded:
        from .charts import Data, declarations
        from .package import DataPackage
        from .tables import load_tables

        pkg = DataPackage(Path(descriptor))
        tables = load_tables(pkg)
        _loaded[descriptor] = (Data(pkg, tables, {name: pkg.rows(name) for name in pkg.resources}), declarations(pkg))
    return _loaded[descriptor]


def build_and_draw(descriptor: str, index: int, out_dir: str, env: dict[str, str | None]):
    """Chart `index` of the package's declarations, built and drawn into `out_dir`: (ChartResult, paths)."""
    from .charts import build
    from .figures import render_chart_files

    for key, value in env.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    data, decls = _charts(descriptor)
    result = build(decls[index], data)
    return result, render_chart_files(result, Path(out_dir))


def draw_png(vega: dict) -> bytes:
    import vl_convert as vlc

    return vlc.vega_to_png(vega, scale=1)


def _vl_convert_running() -> bool:
    """Whether this process has started vl-convert's runtime (its tokio and V8 threads), e.g. a test process that
    drew a chart before building a site. Where threads cannot be listed, assume it has."""
    try:
        names = [Path(f"/proc/self/task/{t}/comm").read_text().strip() for t in os.listdir("/proc/self/task")]
    except OSError:
        return True
    return any(n.startswith(("tokio-runtime", "V8 ")) for n in names)


class ChartPool:
    """`with ChartPool() as pool:` ... `pool.charts(descriptor, n, out_dir)` -> futures of (ChartResult, paths) of
    the package's `n` declared charts, in declaration order."""

    def __enter__(self) -> "ChartPool":
        if _vl_convert_running():
            # A forked child would inherit vl-convert's runtime without its threads, and hang in it: the children
            # come from a fork server instead, which has the chart code imported (else each imports it again).
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["atlas.charts", "atlas.figures", "atlas.tables"])
        else:  # as `make site` runs: forked children have the code imported already, at no cost
            ctx = multiprocessing.get_context("fork")
        self.executor = ProcessPoolExecutor(max_workers=WORKERS, mp_context=ctx)
        self.warming = [self.executor.submit(_warm) for _ in range(WORKERS)]
        return self

    def charts(self, descriptor: Path, n: int, out_dir: Path) -> list[Future]:
        for f in self.warming:
            f.result()
        env = {key: os.environ.get(key) for key in ENV}
        # The last declared charts (the maps) are the slowest: asked for first, so no worker waits on one alone at the end.
        futures = {i: self.executor.submit(build_and_draw, str(descriptor), i, str(out_dir), env) for i in reversed(range(n))}
        return [futures[i] for i in range(n)]

    def png(self, vega: dict) -> Future:
        """A future of the PNG of a Vega spec, drawn by a worker: this process need not start vl-convert at all."""
        return self.executor.submit(draw_png, vega)

    def __exit__(self, *exc) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


def chart_pool() -> contextlib.AbstractContextManager[ChartPool | None]:
    """A ChartPool, or None (charts drawn in this process) where ATLAS_CHART_WORKERS=0."""
    return contextlib.nullcontext() if os.environ.get(IN_PROCESS) == "0" else ChartPool()
