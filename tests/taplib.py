"""taplib.py: the "ok - NAME: ..." / "not ok - NAME: ..." lines the checker scripts
(gc_check.py, profile_check.py) print, which tests/lib.sh's relay_tap turns into cases."""

failed = 0  # checks that failed so far


def check(name, desc, cond, detail=""):
    """One case: passes when cond is true; detail is said when it fails."""
    global failed
    if cond:
        print(f"ok - {name}: {desc}")
    else:
        failed += 1
        print(f"not ok - {name}: {desc}" + (f" ({detail})" if detail else ""))
