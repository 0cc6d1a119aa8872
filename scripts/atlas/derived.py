"""Figures the atlas computes from other rows (never typed in by hand): shares from sales and market
totals, operating margins from revenue and profit. Shared by the validator and the charts."""
from __future__ import annotations


def _num(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


def computed_shares(tables: dict[str, list[dict]]) -> list[tuple[dict, float | None, dict | None, str, dict | None]]:
    """(share row, computed share or None, numerator row, numerator table, denominator row) for each reported share.

    The numerator is the subject's figure for the same place and period: a model's sales, a market's
    total (when the subject names a market) or a maker's part of the market; the denominator is the
    whole market. Only preferred rows that are `reported` feed the computation: a share checked against
    someone's estimate would flag a disagreement between sources, which the Conflicts page shows, not
    an error in the data.
    """
    sales = {}
    for r in tables.get("sales", []):
        if r.get("preferred") == "true" and r.get("status") == "reported" and r.get("cumulative") == "false" and r.get("measure") == "sales":
            sales[(r.get("model_id"), r.get("geography"), r.get("period"))] = r
    totals = {}
    for r in tables.get("market_totals", []):
        if r.get("preferred") == "true" and r.get("status") == "reported":
            totals[(r.get("market"), r.get("maker"), r.get("geography"), r.get("period"))] = r
    result = []
    for r in tables.get("market_share", []):
        subject, market, geo, period = r.get("subject"), r.get("market"), r.get("geography"), r.get("period")
        if None in (subject, market, geo, period):
            continue  # a rejected cell: nothing to compute against
        num, num_table = sales.get((subject, geo, period)), "sales"
        if num is None:
            num, num_table = totals.get((subject, "all", geo, period)) or totals.get((market, subject, geo, period)), "market_totals"
        den = totals.get((market, "all", geo, period))
        value = None
        if num and den and _num(num["units"]) is not None and _num(den["units"]):
            value = 100.0 * _num(num["units"]) / _num(den["units"])
        result.append((r, value, num, num_table, den))
    return result


def operating_margin(revenue, profit) -> float | None:
    """Operating profit as a percentage of revenue."""
    r, p = _num(revenue), _num(profit)
    return None if r in (None, 0) or p is None else 100.0 * p / r
