#!/usr/bin/env python3
"""The field-sales workload (plans/field-sales/plan.plan) written for DuckDB, to time a peer
on the same data as `ignition run` (bench/run.sh runs it when `import duckdb` works).

usage: duckdb_field_sales.py DATA_DIR OUT_CSV

Same steps as the plan: deals and activities credited to a rep and a quarter of 2026 (rows
of unknown reps or outside the year dropped, the first row of a repeated deal id kept),
bookings, prorated quota, attainment, reply and exec ratios, quality score, marginal
commission, SPIF, quality bonus, 1% override on direct reports' bookings, payouts rounded to
cents half-even and the total capped at an eighth of the base salary. DECIMAL arithmetic
where the plan is exact; it is a timing peer, not a second implementation to trust.

DATA_DIR holds CSV files, or Parquet files (reps.parquet, deals.parquet, activities.parquet,
as `ignition-datagen --format parquet` writes them: typed columns, read as they are).
"""
import os
import sys

import duckdb

data, out = sys.argv[1], sys.argv[2]
PARQUET = os.path.exists(f"{data}/deals.parquet")


def source(name, columns):
    """The table `name` of DATA_DIR: its Parquet file, or its CSV file with `columns`."""
    if PARQUET:
        return f"read_parquet('{data}/{name}.parquet')"
    return f"read_csv('{data}/{name}.csv', header=true, columns={{{columns}}})"


REPS = source("reps", """'rep_id':'VARCHAR','name':'VARCHAR','role':'VARCHAR',
  'manager_id':'VARCHAR','region':'VARCHAR','annual_quota':'DECIMAL(18,2)',
  'base_salary':'DECIMAL(18,2)','start_date':'DATE'""")
DEALS = source("deals", """'deal_id':'VARCHAR','owner':'VARCHAR','amount':'DECIMAL(18,2)',
  'close_date':'DATE','stage':'VARCHAR','product':'VARCHAR'""")
ACTIVITIES = source("activities", "'rep_id':'VARCHAR','kind':'VARCHAR','date':'DATE'")
con = duckdb.connect()
con.execute(f"""
CREATE TEMP TABLE periods AS
  SELECT * FROM (VALUES
    ('2026-Q1', DATE '2026-01-01', DATE '2026-03-31'),
    ('2026-Q2', DATE '2026-04-01', DATE '2026-06-30'),
    ('2026-Q3', DATE '2026-07-01', DATE '2026-09-30'),
    ('2026-Q4', DATE '2026-10-01', DATE '2026-12-31')) p(period, pstart, pend);
CREATE TEMP TABLE reps AS SELECT * FROM {REPS};
CREATE TEMP TABLE d AS
  SELECT owner, CAST(amount AS DECIMAL(18,2)) AS amount, close_date, stage, product
  FROM (SELECT *, row_number() OVER (PARTITION BY deal_id ORDER BY rn) AS k
        FROM (SELECT *, row_number() OVER () AS rn FROM {DEALS}))
  WHERE k = 1 AND close_date BETWEEN DATE '2026-01-01' AND DATE '2026-12-31';
CREATE TEMP TABLE dagg AS
  SELECT owner AS rep_id, 'Q' || quarter(close_date) AS q,
    SUM(amount) FILTER (WHERE stage = 'Closed Won') AS bookings,
    COUNT(*) FILTER (WHERE stage = 'Closed Won' AND product = 'Platform' AND amount >= 50000) AS spifs
  FROM d GROUP BY ALL;
CREATE TEMP TABLE aagg AS
  SELECT rep_id, 'Q' || quarter(date) AS q,
    COUNT(*) FILTER (WHERE kind = 'email_reply') AS replies,
    COUNT(*) FILTER (WHERE kind = 'email_sent') AS sent,
    COUNT(*) FILTER (WHERE kind = 'exec_meeting') AS execs,
    COUNT(*) FILTER (WHERE kind = 'meeting') AS meetings
  FROM {ACTIVITIES}
  WHERE date BETWEEN DATE '2026-01-01' AND DATE '2026-12-31'
  GROUP BY ALL;
CREATE TEMP TABLE k AS
  SELECT r.rep_id, p.period, r.manager_id, r.base_salary,
    COALESCE(dagg.bookings, 0) AS bookings,
    COALESCE(dagg.spifs, 0) AS spifs,
    CAST(r.annual_quota AS DOUBLE) / 4
      * GREATEST(0, date_diff('day', GREATEST(r.start_date, p.pstart), p.pend) + 1)
      / (date_diff('day', p.pstart, p.pend) + 1) AS quota,
    CASE WHEN COALESCE(aagg.sent, 0) = 0 THEN 0 ELSE aagg.replies / aagg.sent END AS reply_rate,
    CASE WHEN COALESCE(aagg.meetings, 0) = 0 THEN 0 ELSE aagg.execs / aagg.meetings END AS exec_ratio
  FROM reps r CROSS JOIN periods p
  LEFT JOIN dagg ON dagg.rep_id = r.rep_id AND dagg.q = right(p.period, 2)
  LEFT JOIN aagg ON aagg.rep_id = r.rep_id AND aagg.q = right(p.period, 2);
CREATE TEMP TABLE team AS
  SELECT manager_id AS rep_id, period, SUM(bookings) AS team_bookings FROM k
  WHERE manager_id IS NOT NULL GROUP BY ALL;
COPY (
  SELECT * EXCLUDE (base_salary),
    LEAST(commission + spif + quality_bonus + override, base_salary * 0.5 / 4) AS total
  FROM (
    SELECT k.rep_id AS participant, k.period, bookings, quota,
      CASE WHEN quota = 0 THEN 0 ELSE bookings / quota END AS attainment,
      reply_rate, exec_ratio,
      0.5 * LEAST(reply_rate / 0.2, 1.2) + 0.5 * LEAST(exec_ratio / 0.3, 1.2) AS quality_score,
      CASE WHEN quota > 0 AND bookings / quota >= 0.25 THEN round_even(
          0.02 * LEAST(bookings, 0.5 * quota)
        + 0.08 * GREATEST(0, LEAST(bookings, quota) - 0.5 * quota)
        + 0.12 * GREATEST(0, LEAST(bookings, 1.5 * quota) - quota)
        + 0.15 * GREATEST(0, bookings - 1.5 * quota), 2) ELSE 0 END AS commission,
      300 * spifs AS spif,
      CASE WHEN quota > 0 AND bookings / quota >= 0.8 THEN round_even(1000 *
        (0.5 * LEAST(reply_rate / 0.2, 1.2) + 0.5 * LEAST(exec_ratio / 0.3, 1.2)), 2)
        ELSE 0 END AS quality_bonus,
      round_even(0.01 * COALESCE(team.team_bookings, 0), 2) AS override,
      base_salary
    FROM k LEFT JOIN team ON team.rep_id = k.rep_id AND team.period = k.period)
  ORDER BY participant, period
) TO '{out}' (HEADER, DELIMITER ',');
""")
