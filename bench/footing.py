"""How firmly the data stands (issue 14): the share of fact rows that rest on a tier A or B source read from
the publisher's own copy or a licensed verbatim copy. `python bench/footing.py` prints it; `make bench`
puts it in its goals table (goal: 75%).

A row rests on the source its `source_id` names (a model's specs source and a plant's coordinate source
back a detail, not the row). Every table that cites sources counts (figures, models, plants, production,
events), claims aside: a claim is checked by the rows it cites, not a fact of its own.

Which hosts are not the publisher's copy nor a licensed one is a judgement, so it is written out here,
host by host, to be argued with. Licensed syndication (nordot, Yahoo! News, goo, infoseek, livedoor,
Newsweek Japan, regional papers carrying Kyodo, nippon.com carrying Jiji, MarketScreener carrying Reuters)
and release wires (JCN, WebWire, PR Newswire, Automotive World, Dubai PR Network) are not in it.
"""
from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from atlas.facts import source_columns  # noqa: E402
from atlas.package import DataPackage  # noqa: E402

GOAL = 75.0
NOT_THE_PUBLISHERS_COPY = {
    "asahi.5ch.net": "a forum thread quoting Kyodo",
    "sendai-podcast.jp": "a local repost site",
    "modeledge.ai": "an API proxy of an SEC exhibit",
    "euventure.capital": "a repost of a Nissan release",
    "en.nissan-saudiarabia.com": "a distributor's site carrying a Nissan release",
    "green.autoblog.com": "a blog reprint",
    "www.autoblog.com": "a blog post appending a release",
    "reliableplant.com": "a trade site's repost of a release",
    "tech-insider.org": "a reprint archive of releases",
    "executive-bulletin.com": "a repost of a release",
    "oilandgaspress.com": "a repost of a release",
    "eqmagpro.com": "an aggregator's reprint of Reuters",
    "dailysunny.com": "an aggregator's copy of Kyodo",
    "traderfan.io": "an aggregator's copy of Reuters",
    "eninvs.com": "a reproduction of an SEC filing",
    "mobi-navi.com": "an unlicensed host of Nikkan Jidosha articles",
    "www.marketpulse.com": "a broker's blog quoting Mainichi",
    "news.az": "an aggregator's copy of Kyodo",
    "i777777o61726775736d65646961o636f6dz.oszar.com": "a proxy's copy of Argus Media",
}


def footing(descriptor: Path = ROOT / "datapackage.json") -> dict:
    pkg = DataPackage(descriptor)
    sources = {r["source_id"]: r for r in pkg.rows("sources")}
    rows = firm = tier_ab = 0
    by_table = {}
    for name in pkg.resources:
        if name in ("sources", "claims") or "source_id" not in source_columns(pkg, name):
            continue
        n = ok = 0
        for r in pkg.rows(name):
            source = sources[r["source_id"]]
            ab = source["reliability"] in ("A", "B")
            n += 1
            tier_ab += ab
            ok += ab and (urlsplit(source["url"]).hostname or "") not in NOT_THE_PUBLISHERS_COPY
        by_table[name] = (ok, n)
        rows, firm = rows + n, firm + ok
    return {"rows": rows, "firm": firm, "tier_ab": tier_ab, "pct": round(100 * firm / rows, 1) if rows else 0.0, "by_table": by_table}


def main() -> int:
    f = footing()
    print(f"fact rows on a tier A/B source read from the publisher's or a licensed copy: {f['firm']}/{f['rows']} = {f['pct']}% "
          f"(goal {GOAL:g}%; on a tier A/B source wherever read: {f['tier_ab']}/{f['rows']})")
    for name, (ok, n) in f["by_table"].items():
        print(f"  {name}: {ok}/{n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
