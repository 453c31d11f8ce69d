#!/usr/bin/env python3
"""Writes plans/coaching/data/*.csv: a small, realistic team for the weekly coaching plan.

Two managers with five reps each, twelve weeks (Monday 2026-01-05 to Sunday 2026-03-29).
Each rep has a profile (how many emails, how well they land, how many meetings and with
whom, how fast price is discussed, how deals close), so the dashboard shows a spread of
reds, ambers and greens. Seeded: the same files every time.
"""
import datetime as dt
import random
from pathlib import Path

rng = random.Random(11)
out = Path(__file__).resolve().parent.parent / "data"
out.mkdir(exist_ok=True)
start = dt.date(2026, 1, 5)
WEEKS = 12

managers = [("m1", "Alice Martin", 0), ("m2", "Bruno Keller", 0)]
# id, name, manager, weekly target, emails/week, reply rate, meetings/week, exec share,
# days to price, deals/week, win rate, NDA share, departments
reps = [
    ("r01", "Chloe Dubois", "m1", 10000, 55, 0.14, 7, 0.40, 9, 2.2, 0.45, 0.7, 4),
    ("r02", "David Osei", "m1", 9000, 30, 0.06, 3, 0.15, 26, 1.6, 0.20, 0.3, 2),
    ("r03", "Emma Rossi", "m1", 10000, 45, 0.11, 5, 0.30, 15, 2.0, 0.33, 0.5, 3),
    ("r04", "Farid Haddad", "m1", 7500, 18, 0.04, 2, 0.10, 34, 1.2, 0.15, 0.2, 1),
    ("r05", "Grace Kim", "m1", 11000, 48, 0.12, 6, 0.35, 12, 2.4, 0.38, 0.6, 3),
    ("r06", "Hugo Silva", "m2", 9000, 40, 0.09, 4, 0.25, 18, 1.8, 0.28, 0.45, 3),
    ("r07", "Ines Novak", "m2", 10000, 60, 0.15, 8, 0.45, 8, 2.6, 0.50, 0.8, 5),
    ("r08", "Jonas Weber", "m2", 8000, 25, 0.07, 3, 0.20, 22, 1.4, 0.22, 0.35, 2),
    ("r09", "Kofi Mensah", "m2", 10000, 42, 0.10, 5, 0.28, 14, 2.0, 0.30, 0.5, 3),
    ("r10", "Lara Jensen", "m2", 9000, 35, 0.08, 4, 0.22, 20, 1.7, 0.26, 0.4, 2),
]
companies = [
    "Acme", "Borealis", "Cobalt", "Dunmore", "Elevate", "Fjord", "Granite", "Helix",
    "Ionic", "Juniper", "Kestrel", "Lumen", "Meridian", "Nimbus", "Orchard", "Pioneer",
    "Quartz", "Redwood", "Summit", "Tidal", "Umbra", "Vertex", "Willow", "Xylo", "Yonder",
    "Zenith",
]

def day(week, rng):
    return start + dt.timedelta(days=7 * week + rng.randrange(5))

with open(out / "reps.csv", "w") as f:
    f.write("rep_id,name,manager_id,weekly_target,start_date\n")
    for mid, name, _ in managers:
        f.write(f"{mid},{name},,0.00,2022-01-03\n")
    for r in reps:
        f.write(f"{r[0]},{r[1]},{r[2]},{r[3]}.00,2024-0{rng.randrange(1, 10)}-01\n")

acts = []
deals = []
n = 0
for r in reps:
    rid, _, _, target, emails, reply, meetings, execs, days, dpw, win, nda, deps = r
    book = rng.sample(companies, 18)
    for w in range(WEEKS):
        # A rep's week varies around the profile: ±25%.
        k = lambda x: max(0, round(x * rng.uniform(0.75, 1.25)))
        for _ in range(k(emails)):
            acts.append((rid, "email", rng.choice(book[:14]), "false", day(w, rng)))
        for _ in range(k(emails * reply)):
            acts.append((rid, "reply", rng.choice(book[:14]), "false", day(w, rng)))
        for _ in range(k(meetings)):
            ex = "true" if rng.random() < execs else "false"
            acts.append((rid, "meeting", rng.choice(book), ex, day(w, rng)))
        for _ in range(k(dpw)):
            n += 1
            close = day(w, rng)
            first = close - dt.timedelta(days=rng.randrange(30, 90))
            price = ""
            if rng.random() < 0.85:
                price = (first + dt.timedelta(days=max(1, round(days * rng.uniform(0.6, 1.4))))).isoformat()
            won = rng.random() < win
            amount = round(rng.uniform(4000, 16000) * (1.0 if won else 0.8), -2)
            signed = (first + dt.timedelta(days=rng.randrange(5, 25))).isoformat() if rng.random() < nda else ""
            dep = max(1, deps + rng.choice([-1, 0, 0, 1]))
            deals.append((f"D{n:04d}", rid, rng.choice(book), f"{amount:.2f}",
                          "won" if won else "lost", first.isoformat(), price, signed, dep, close.isoformat()))

acts.sort(key=lambda a: (a[4], a[0], a[1], a[2]))
with open(out / "activities.csv", "w") as f:
    f.write("rep_id,kind,company,executive,date\n")
    for a in acts:
        f.write(f"{a[0]},{a[1]},{a[2]},{a[3]},{a[4].isoformat()}\n")
with open(out / "deals.csv", "w") as f:
    f.write("deal_id,owner,company,amount,stage,first_meeting,price_discussion,nda_signed,departments,close_date\n")
    for d in deals:
        f.write(",".join(str(x) for x in d) + "\n")
