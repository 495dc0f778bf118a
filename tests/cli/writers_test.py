#!/usr/bin/env python3
"""Writers in several processes taking turns on one directory:

- processes opening a new database at once all open it;
- four processes (three `kg query --file`, one `kg shell` writing in explicit
  transactions) increment one counter, each increment creating a node in the
  same transaction: the counter ends at the exact total;
- writers SIGKILLed at random moments lose no commit and leave no part of
  one (the counter equals the number of increment nodes), and the survivors
  finish without waiting on the dead;
- a shell that dies holding the turn (inside :begin) blocks nobody after its
  death, and its open transaction leaves nothing;
- a writer blocked by a shell's open transaction fails after --busy-timeout
  with a Busy error naming the shell's process;
- an idle shell beside a bulk `kg load`: the load runs, the shell then sees
  its data and writes;
- `kg check` finds the database whole at the end.

Usage: writers_test.py KG_BINARY WORK_DIR
"""
import os
import random
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from checks import check, exit_status  # noqa: E402


INCREMENT = "MATCH (c:Counter) SET c.n = c.n + 1 CREATE (:Inc {{by: '{who}', i: {i}}});\n"


def main():
    kg, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    db = os.path.join(work, "db")

    def query(text, *extra):
        return subprocess.run([kg, "query", "--db", db, "--format", "csv", *extra, text], capture_output=True,
                              text=True)

    def value(text):
        r = query(text)
        if r.returncode != 0:
            return ("error", r.stderr)
        return int(r.stdout.strip().splitlines()[-1])

    # 0. Processes opening a database that does not exist yet, all at once:
    # one makes it, the others open it (once it is whole).
    for attempt in range(5):
        fresh = os.path.join(work, f"fresh{attempt}")
        opens = [subprocess.Popen([kg, "query", "--db", fresh, "RETURN 1"], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True) for _ in range(4)]
        errors = [p.communicate(timeout=60)[1] for p in opens]
        check(all(p.returncode == 0 for p in opens), f"four processes opening a new database at once ({attempt})",
              errors)

    query("CREATE (:Counter {n: 0})")

    # 1. Four writers in turn, no lost update.
    rounds = 150
    procs = []
    for w in range(3):
        script = os.path.join(work, f"w{w}.cypher")
        with open(script, "w") as f:
            for i in range(rounds):
                f.write(INCREMENT.format(who=f"q{w}", i=i))
        procs.append(subprocess.Popen([kg, "query", "--db", db, "--file", script], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE, text=True))
    shell_input = "".join(":begin\n" + INCREMENT.format(who="shell", i=2 * i) +
                          INCREMENT.format(who="shell", i=2 * i + 1) + ":commit\n" for i in range(rounds // 2))
    procs.append(subprocess.Popen([kg, "shell", "--db", db], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True))
    procs[-1].stdin.write(shell_input)
    procs[-1].stdin.close()
    errors = [p.stderr.read() for p in procs]
    codes = [p.wait(timeout=300) for p in procs]
    check(codes == [0, 0, 0, 0], "four writers in turn all succeed", (codes, [e[-300:] for e in errors]))
    total = 4 * rounds
    n = value("MATCH (c:Counter) RETURN c.n")
    check(n == total, f"the counter is the exact total ({total})", n)
    check(value("MATCH (i:Inc) RETURN count(i)") == total, "every increment's node is there")

    # 2. Writers SIGKILLed at random moments.
    rng = random.Random(19)
    kills = 0
    finished = []  # the writers that ran to their end
    for round_ in range(6):
        procs = []
        for w in range(3):
            script = os.path.join(work, f"k{w}.cypher")
            with open(script, "w") as f:
                for i in range(rounds):
                    f.write(INCREMENT.format(who=f"k{round_}.{w}", i=i))
            procs.append(subprocess.Popen([kg, "query", "--db", db, "--file", script], stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL))
        victim = procs[rng.randrange(3)]
        time.sleep(rng.uniform(0.05, 0.6))
        if victim.poll() is None:
            victim.kill()
            kills += 1
        start = time.time()
        codes = [p.wait(timeout=300) for p in procs]
        survivors_ok = all(c == 0 for p, c in zip(procs, codes) if p is not victim)
        check(survivors_ok, f"round {round_}: the writers beside a killed one finish", codes)
        finished += [f"k{round_}.{w}" for w, c in enumerate(codes) if c == 0]
    n = value("MATCH (c:Counter) RETURN c.n")
    incs = value("MATCH (i:Inc) RETURN count(i)")
    check(n == incs, f"after {kills} kills the counter equals the increments committed", (n, incs))
    counts = [value(f"MATCH (i:Inc {{by: '{w}'}}) RETURN count(i)") for w in finished]
    check(len(finished) >= 12 and all(c == rounds for c in counts),
          f"each of the {len(finished)} writers that finished has all its increments", counts)

    # 3. A shell that dies holding the turn.
    shell = subprocess.Popen([kg, "shell", "--db", db], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    shell.stdin.write(":begin\nCREATE (:Doomed);\nRETURN 'held' AS state;\n")
    shell.stdin.flush()
    held = ""
    while "held" not in held:
        line = shell.stdout.readline()
        if not line:
            break
        held += line
    blocked = query("CREATE (:Blocked)", "--busy-timeout", "300")
    check(blocked.returncode != 0 and "Busy" in blocked.stderr and f"process {shell.pid}" in blocked.stderr,
          "a writer beside an open transaction fails as busy, naming the holder", blocked.stderr)
    start = time.time()
    waiting = subprocess.Popen([kg, "query", "--db", db, "--busy-timeout", "10000", "CREATE (:AfterDeath)"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(0.3)
    shell.send_signal(signal.SIGKILL)
    shell.wait()
    err = waiting.communicate(timeout=60)[1]
    waited = time.time() - start
    check(waiting.returncode == 0, "a writer waiting on a shell killed in its transaction goes on", err)
    check(waited < 5, f"and does not wait past the death ({waited:.2f} s)")
    check(value("MATCH (d:Doomed) RETURN count(d)") == 0, "the killed transaction left nothing")
    check(value("MATCH (a:AfterDeath) RETURN count(a)") == 1, "the waiting write committed")

    # 4. An idle shell beside a bulk load.
    people = os.path.join(work, "people.csv")
    with open(people, "w") as f:
        f.write("id:ID,name,:LABEL\n")
        for i in range(200000):
            f.write(f"{i},p{i},Person\n")
    shell = subprocess.Popen([kg, "shell", "--db", db], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    shell.stdin.write("CREATE (:ShellBefore) RETURN 'wrote' AS state;\n")
    shell.stdin.flush()
    while "wrote" not in (shell.stdout.readline() or "wrote"):
        pass
    load = subprocess.run([kg, "load", "--db", db, "--nodes", people], capture_output=True, text=True)
    check(load.returncode == 0, "kg load runs beside an idle shell", load.stderr[-500:])
    out, err = shell.communicate("MATCH (p:Person) RETURN count(p) AS people;\nCREATE (:ShellAfter);\n", timeout=120)
    check(shell.returncode == 0 and "200000" in out, "the shell then sees the load and writes", (out[-300:], err[-300:]))
    check(value("MATCH (n) WHERE n:ShellBefore OR n:ShellAfter RETURN count(n)") == 2, "both shell writes are there")

    r = subprocess.run([kg, "check", "--db", db], capture_output=True, text=True)
    check(r.returncode == 0, "kg check finds the database whole", r.stdout[-500:] + r.stderr[-500:])
    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
