#!/usr/bin/env python3
"""The field-sales workload (plans/field-sales/plan.plan) written for polars, to time a peer
on the same data as `ignition run` (bench/run.sh runs it when `import polars` works).

usage: polars_field_sales.py DATA_DIR OUT_CSV

The same steps as duckdb_field_sales.py (see there), with polars' lazy engine; money as
Float64 (polars' decimals are still partial). A timing peer, not a second implementation.
DATA_DIR holds CSV files, or the same tables as Parquet files (see duckdb_field_sales.py).
"""
import os
import sys
from datetime import date

import polars as pl

data, out = sys.argv[1], sys.argv[2]
PARQUET = os.path.exists(f"{data}/deals.parquet")


def scan(name, money=()):
    """The table `name` of DATA_DIR, lazily, its money columns as Float64."""
    if PARQUET:
        frame = pl.scan_parquet(f"{data}/{name}.parquet")
    else:
        frame = pl.scan_csv(f"{data}/{name}.csv", try_parse_dates=True,
                            schema_overrides={m: pl.Float64 for m in money})
    return frame.with_columns(pl.col(m).cast(pl.Float64) for m in money)


Y0, Y1 = date(2026, 1, 1), date(2026, 12, 31)
periods = pl.LazyFrame({
    "period": ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"],
    "q": [1, 2, 3, 4],
    "pstart": [date(2026, 1, 1), date(2026, 4, 1), date(2026, 7, 1), date(2026, 10, 1)],
    "pend": [date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30), date(2026, 12, 31)],
}).with_columns(pl.col("q").cast(pl.Int8))
reps = scan("reps", money=("annual_quota", "base_salary"))
deals = (
    scan("deals", money=("amount",))
    .unique(subset="deal_id", keep="first", maintain_order=True)
    .filter(pl.col("close_date").is_between(Y0, Y1))
    .group_by(pl.col("owner").alias("rep_id"), pl.col("close_date").dt.quarter().alias("q"))
    .agg(
        pl.col("amount").filter(pl.col("stage") == "Closed Won").sum().alias("bookings"),
        ((pl.col("stage") == "Closed Won") & (pl.col("product") == "Platform")
         & (pl.col("amount") >= 50000)).sum().alias("spifs"),
    )
)
acts = (
    scan("activities")
    .filter(pl.col("date").is_between(Y0, Y1))
    .group_by("rep_id", pl.col("date").dt.quarter().alias("q"))
    .agg(*[(pl.col("kind") == k).sum().alias(k)
           for k in ("email_reply", "email_sent", "exec_meeting", "meeting")])
)
ratio = lambda a, b: pl.when(pl.col(b) > 0).then(pl.col(a) / pl.col(b)).otherwise(0.0)
k = (
    reps.join(periods, how="cross")
    .join(deals, on=["rep_id", "q"], how="left")
    .join(acts, on=["rep_id", "q"], how="left")
    .with_columns(pl.col("bookings", "spifs", "email_reply", "email_sent", "exec_meeting",
                         "meeting").fill_null(0))
    .with_columns(
        quota=pl.col("annual_quota") / 4
        * ((pl.col("pend") - pl.max_horizontal("start_date", "pstart")).dt.total_days() + 1)
        .clip(lower_bound=0)
        / ((pl.col("pend") - pl.col("pstart")).dt.total_days() + 1),
        reply_rate=ratio("email_reply", "email_sent"),
        exec_ratio=ratio("exec_meeting", "meeting"),
    )
)
team = (k.filter(pl.col("manager_id").is_not_null())
        .group_by(pl.col("manager_id").alias("rep_id"), "period")
        .agg(pl.col("bookings").sum().alias("team_bookings")))
b, q = pl.col("bookings"), pl.col("quota")
att = pl.when(q > 0).then(b / q).otherwise(0.0)
qs = (0.5 * pl.min_horizontal(pl.col("reply_rate") / 0.2, pl.lit(1.2))
      + 0.5 * pl.min_horizontal(pl.col("exec_ratio") / 0.3, pl.lit(1.2)))
res = (
    k.join(team, on=["rep_id", "period"], how="left")
    .with_columns(attainment=att, quality_score=qs)
    .with_columns(
        commission=pl.when(pl.col("attainment") >= 0.25).then(
            0.02 * pl.min_horizontal(b, 0.5 * q)
            + 0.08 * (pl.min_horizontal(b, q) - 0.5 * q).clip(lower_bound=0)
            + 0.12 * (pl.min_horizontal(b, 1.5 * q) - q).clip(lower_bound=0)
            + 0.15 * (b - 1.5 * q).clip(lower_bound=0)).otherwise(0.0).round(2),
        spif=300.0 * pl.col("spifs"),
        quality_bonus=pl.when(pl.col("attainment") >= 0.8)
        .then(1000 * pl.col("quality_score")).otherwise(0.0).round(2),
        override=(0.01 * pl.col("team_bookings").fill_null(0)).round(2),
    )
    .with_columns(total=pl.min_horizontal(
        pl.col("commission") + pl.col("spif") + pl.col("quality_bonus") + pl.col("override"),
        pl.col("base_salary") * 0.5 / 4))
    .select(pl.col("rep_id").alias("participant"), "period", "bookings", "quota",
            "attainment", "reply_rate", "exec_ratio", "quality_score", "commission", "spif",
            "quality_bonus", "override", "total")
    .sort("participant", "period")
)
res.collect().write_csv(out)
