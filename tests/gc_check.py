#!/usr/bin/env python3
"""gc_check.py: compare what baregc recorded (an --out directory) with what the example
firmware measured about itself (its semihosting "gc-pause" / "gc-stats" lines on stderr).

Usage: gc_check.py NAME STDERR OUTDIR CLOCK_HZ BOUND_CYCLES
Prints TAP-style "ok - ..." / "not ok - ..." lines; exit status 1 if any check failed.

The firmware reads its cycle counter (DWT CYCCNT / mcycle) a few instructions after
gc_collect's entry and a few before its return; baregc's pause runs from the entry to
the return. So each recorded pause is at least as long as the firmware's own figure
and longer by at most BOUND_CYCLES (the prologue and epilogue around the counter reads),
plus an interrupt handler's cycles for an interrupt taken in that prologue or epilogue.
"""
import json
import os
import re
import sys

import taplib

name, errfile, outdir, clock_hz, bound = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])


def check(desc, cond, detail=""):
    taplib.check(name, desc, cond, detail)


text = open(errfile).read()
fw_pauses = [(int(n), int(c)) for n, c in re.findall(r"^gc-pause (\d+) cycles (\d+)", text, re.M)]
m = re.search(r"^gc-stats collections (\d+) allocated (\d+) freed (\d+) objects (\d+) objects-freed (\d+)", text, re.M)
check("the firmware printed its gc-stats", m is not None)
if m is None:
    sys.exit(1)
collections, objects = int(m.group(1)), int(m.group(4))
steps_m = re.search(r"^gc-stats incremental steps (\d+)", text, re.M)
steps = int(steps_m.group(1)) if steps_m else 0

for f in ("heap.pb.gz", "gc-pauses.pb.gz", "cpu.pb.gz", "trace.json", "gctrace.log", "summary.json"):
    check(f"{f} written", os.path.getsize(os.path.join(outdir, f)) > 0 if os.path.exists(os.path.join(outdir, f)) else False)

trace = json.load(open(os.path.join(outdir, "trace.json")))
events = trace["traceEvents"] if isinstance(trace, dict) else trace
slices = [e for e in events if e.get("ph") == "X" and e.get("cat") == "gc" and e.get("name", "").startswith("GC pause")]
full = [e for e in slices if not e.get("args", {}).get("incremental")]
incr = [e for e in slices if e.get("args", {}).get("incremental")]
check(f"pause count equals the collector's own counter ({collections})", len(full) == collections,
      f"recorded {len(full)}")
if steps_m:
    check(f"incremental step count equals the collector's ({steps})", len(incr) == steps, f"recorded {len(incr)}")

# Durations: trace.json has microseconds; convert back to cycles at the board clock.
# An interrupt taken within BOUND_CYCLES of a pause's start or end may come before the
# firmware's first counter read or after its last: its handler's cycles are then in the
# recorded pause but not in the firmware's figure, so each such interrupt allows up to
# another BOUND_CYCLES.
irqs = [e["ts"] for e in events if e.get("ph") == "i" and e.get("cat") == "irq"]
edge_us = bound * 1e6 / clock_hz
worst = 0
bad = []
for (n, fw_cycles), e in zip(fw_pauses, full):
    rec_cycles = round(e["dur"] * clock_hz / 1e6)
    diff = rec_cycles - fw_cycles
    start, end = e["ts"], e["ts"] + e["dur"]
    at_edges = sum(1 for t in irqs if start <= t <= start + edge_us or end - edge_us <= t <= end)
    worst = max(worst, abs(diff))
    if diff < -1 or diff > bound * (1 + at_edges):
        bad.append(f"pause {n}: firmware {fw_cycles}, recorded {rec_cycles}")
check(f"every pause's duration matches the firmware's own measurement within {bound} cycles, "
      f"{bound} more for an interrupt taken at its edges "
      f"(worst difference {worst})", fw_pauses and not bad, "; ".join(bad[:3]))

summary = json.load(open(os.path.join(outdir, "summary.json")))
flat = json.dumps(summary)
check("summary.json names the board and the runtime", '"gcrt"' in flat)

gctrace = [l for l in open(os.path.join(outdir, "gctrace.log")) if l.strip() and not l.startswith("#")]
check("gctrace.log has one line per pause", len(gctrace) == len(slices), f"{len(gctrace)} lines, {len(slices)} pauses")

# Totals for the pprof checks done by the shell test.
with open(os.path.join(outdir, "expect.txt"), "w") as f:
    f.write(f"objects {objects}\npauses {len(slices)}\n")
sys.exit(1 if taplib.failed else 0)
