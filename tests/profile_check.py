#!/usr/bin/env python3
"""profile_check.py: hold a CPU profile (cpu.pb.gz, read through `go tool pprof -raw`)
against what the firmware says about itself or about the run. Prints TAP-style
"ok - ..." / "not ok - ..." lines; exit status 1 if any check failed.

  profile_check.py expect NAME CPU.pb.gz SAMPLE_CYCLES STDERR
      t-profile's "profile F flat X cum Y" and "profile-edge F G cum Y" lines (cycles,
      measured by the firmware with its cycle counter): each function's flat time
      (samples with F at the leaf) and cum time (samples with F anywhere in the stack),
      and each edge's (samples where G called F), within 1 %.
  profile_check.py pauses NAME CPU.pb.gz SUMMARY.json FUNC...
      the collector's entry functions' cum time (samples with any FUNC in the stack)
      equals the recorded pause time (summary.json pauses.total_us) within 1 %.
  profile_check.py callers NAME CPU.pb.gz ELF
      no function is its own caller (F directly above F in a stack of the machine's
      frames, the functions inlined there left out) unless it calls itself: a call
      instruction in F whose target is F, as the target's objdump (${ARM_CC%gcc}objdump
      or ${RISCV_CC%gcc}objdump, by the ELF's machine) shows.

Times in the profile are sample counts times the sampling period (SAMPLE_CYCLES, or
the profile's own period in ns for `pauses`).
"""
import json
import os
import re
import subprocess
import sys

from taplib import check
import taplib

TOLERANCE = 0.01


def read_raw(path, machine_frames=False):
    """Returns (period_ns, [(count, [function, ...] leaf first)]): every function of
    every frame (those inlined there first), or with machine_frames the function that
    holds each frame's code alone."""
    text = subprocess.run(["go", "tool", "pprof", "-raw", path], capture_output=True, text=True,
                          check=True).stdout
    period = int(re.search(r"^Period: (\d+)", text, re.M).group(1))
    samples_part, _, locs_part = text.partition("\nLocations\n")
    locs = {}
    cur = None
    for line in locs_part.splitlines():
        m = re.match(r"\s*(\d+): 0x[0-9a-f]+ M=\d+ (\S+)", line)
        if m:
            cur = locs.setdefault(int(m.group(1)), [])
            cur.append(m.group(2))
        elif cur is not None and re.match(r"\s+\S+ \S+:\d+", line) and not line.lstrip().startswith("Mappings"):
            cur.append(line.split()[0])  # an inlined caller of the line above
        elif not line.startswith(" "):
            cur = None
    samples = []
    for line in samples_part.splitlines():
        m = re.match(r"\s*(\d+)\s+\d+: ([\d ]+)$", line)
        if m:
            ids = [int(loc) for loc in m.group(2).split()]
            frames = [locs[i][-1] for i in ids] if machine_frames else [f for i in ids for f in locs[i]]
            samples.append((int(m.group(1)), frames))
    return period, samples


def flat_cum(samples, fn):
    flat = sum(c for c, fr in samples if fr and fr[0] == fn)
    cum = sum(c for c, fr in samples if fn in fr)
    return flat, cum


def edge(samples, callee, caller):
    return sum(c for c, fr in samples if any(fr[i] == callee and fr[i + 1] == caller for i in range(len(fr) - 1)))


def near(got, want):
    return abs(got - want) <= TOLERANCE * want


def cmd_expect(name, path, sample_cycles, errfile):
    _, samples = read_raw(path)
    text = open(errfile).read()
    lines = re.findall(r"^profile (\S+) flat (\S+) cum (\d+)$", text, re.M)
    edges = re.findall(r"^profile-edge (\S+) (\S+) cum (\d+)$", text, re.M)
    check(name, "the firmware reported its own figures", len(lines) >= 8 and len(edges) >= 4)
    for fn, flat_s, cum_s in lines:
        flat, cum = (v * sample_cycles for v in flat_cum(samples, fn))
        if flat_s != "-":
            check(name, f"{fn}: flat {flat} cycles within 1 % of the firmware's {flat_s}", near(flat, int(flat_s)))
        check(name, f"{fn}: cum {cum} cycles within 1 % of the firmware's {cum_s}", near(cum, int(cum_s)))
    for callee, caller, cum_s in edges:
        cum = edge(samples, callee, caller) * sample_cycles
        check(name, f"{callee} called from {caller}: {cum} cycles within 1 % of the firmware's {cum_s}",
              near(cum, int(cum_s)))


def cmd_pauses(name, path, summary, funcs):
    period_ns, samples = read_raw(path)
    total_ns = json.load(open(summary))["pauses"]["total_us"] * 1000
    cum_ns = sum(c for c, fr in samples if any(f in fr for f in funcs)) * period_ns
    check(name, f"cum of {', '.join(funcs)} ({cum_ns / 1e6:.3f} ms) within 1 % of the recorded pauses "
          f"({total_ns / 1e6:.3f} ms)", total_ns > 0 and near(cum_ns, total_ns))


def recursive_functions(elf):
    """The functions of elf with a call to their own entry."""
    with open(elf, "rb") as f:
        machine = int.from_bytes(f.read(20)[18:20], "little")
    cc = os.environ.get("ARM_CC" if machine == 40 else "RISCV_CC", "")
    text = subprocess.run([re.sub(r"gcc$", "objdump", cc), "-d", elf], capture_output=True, text=True,
                          check=True).stdout
    found, current = set(), None
    for line in text.splitlines():
        m = re.match(r"^[0-9a-f]+ <(.+)>:$", line)
        if m:
            current = m.group(1)
            continue
        m = re.search(r"\t(?:bl|blx|jal|call)\t(?:ra,)?[0-9a-f]+ <([^>+]+)>$", line)
        if m and m.group(1) == current:
            found.add(current)
    return found


def cmd_callers(name, path, elf):
    recursive = recursive_functions(elf)
    _, samples = read_raw(path, machine_frames=True)
    bad = {}
    for c, fr in samples:
        for a, b in zip(fr, fr[1:]):
            if a == b and a not in recursive:
                bad[a] = bad.get(a, 0) + c
    check(name, f"no function is its own caller unless it recurses ({', '.join(sorted(recursive)) or 'none does'})",
          not bad,
          ", ".join(f"{f} <- {f} in {n} samples" for f, n in sorted(bad.items())))


def main():
    mode, name, path = sys.argv[1], sys.argv[2], sys.argv[3]
    if mode == "expect":
        cmd_expect(name, path, int(sys.argv[4]), sys.argv[5])
    elif mode == "pauses":
        cmd_pauses(name, path, sys.argv[4], sys.argv[5:])
    elif mode == "callers":
        cmd_callers(name, path, sys.argv[4])
    sys.exit(1 if taplib.failed else 0)


main()
