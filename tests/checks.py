"""The checks of a process-level test script: each prints one line, ok or
FAIL with its detail; exit_status() is the script's exit status."""

failures = 0


def check(ok, what, detail=""):
    global failures
    print(("ok   " if ok else "FAIL ") + what + ("" if ok else f": {detail}"))
    if not ok:
        failures += 1


def exit_status():
    return 1 if failures else 0
