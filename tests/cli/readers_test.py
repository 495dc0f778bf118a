#!/usr/bin/env python3
"""Readers in other processes beside a writer: `kg query --read-only` runs
while `kg query --file` commits thousands of transactions, never sees part of
one, never goes back in time, and sees the last at the end; a read-only open
works on a directory its user cannot write (as nobody, when run as root).

Usage: readers_test.py KG_BINARY WORK_DIR
"""
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from checks import check, exit_status  # noqa: E402


def main():
    kg, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    db = os.path.join(work, "db")
    pairs = 3000
    script = os.path.join(work, "writes.cypher")
    with open(script, "w") as f:
        for i in range(pairs):
            f.write(f"CREATE (:P {{k: {i}}})-[:PAIR]->(:P {{k: {i}}});\n")
    subprocess.run([kg, "query", "--db", db, "RETURN 1"], check=True, capture_output=True)

    def read():
        r = subprocess.run([kg, "query", "--db", db, "--read-only", "--format", "csv",
                            "MATCH (n:P) RETURN count(n) % 2 AS odd, count(n) AS c"],
                           capture_output=True, text=True)
        if r.returncode != 0:
            return None, r.stderr.strip()
        odd, count = r.stdout.strip().splitlines()[1].split(",")
        return (int(odd), int(count)), ""

    writer = subprocess.Popen([kg, "query", "--db", db, "--file", script, "--format", "csv"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seen = []
    errors = []
    while writer.poll() is None:
        got, err = read()
        if got is None:
            errors.append(err)
        else:
            seen.append(got)
    _, writer_err = writer.communicate()
    check(writer.returncode == 0, "the writer commits every statement while readers read", writer_err[-500:])
    check(not errors, "every read beside the writer succeeds", errors[:3])
    check(all(odd == 0 for odd, _ in seen), "no read sees part of a transaction", [s for s in seen if s[0]][:3])
    counts = [c for _, c in seen]
    check(counts == sorted(counts), "reads never go back in time", counts[:20])
    middle = [c for c in counts if 0 < c < 2 * pairs]
    check(len(middle) > 0, f"reads ran beside the writer ({len(seen)} reads, {len(middle)} while it wrote)", counts)
    got, err = read()
    check(got == (0, 2 * pairs), "the next read sees the last commit", (got, err))

    # The shell and kg serve read-only, beside a writer that holds the directory.
    holder = subprocess.Popen([kg, "serve", "--db", db, "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    holder.stdout.readline()  # listening: the directory is open for writing
    r = subprocess.run([kg, "shell", "--db", db, "--read-only"], input="MATCH (n:P) RETURN count(n) AS c;\nCREATE (:X);\n",
                       capture_output=True, text=True)
    check("ClientError" in r.stderr and "read-only" in r.stderr and str(2 * pairs) in r.stdout,
          "the read-only shell reads, and refuses writes as a client error",
          (r.stdout[-300:], r.stderr[-300:]))
    reader = subprocess.Popen([kg, "serve", "--db", db, "--read-only", "--listen", "127.0.0.1:0"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = reader.stdout.readline()
    check("bolt://" in line, "kg serve --read-only serves beside the writer", line)
    for p in (reader, holder):
        p.terminate()
        p.wait(timeout=30)

    # A directory its user cannot write.
    if os.geteuid() == 0 and shutil.which("runuser"):
        os.chmod(work, 0o755)
        r = subprocess.run(["runuser", "-u", "nobody", "--", kg, "query", "--db", db, "--read-only", "--format",
                            "csv", "MATCH (n:P) RETURN count(n) AS c"], capture_output=True, text=True)
        check(r.returncode == 0 and r.stdout.strip().splitlines()[-1] == str(2 * pairs),
              "a read-only open works on a directory its user cannot write", (r.returncode, r.stdout, r.stderr))
        r = subprocess.run(["runuser", "-u", "nobody", "--", kg, "query", "--db", db, "--format", "csv",
                            "MATCH (n:P) RETURN count(n) AS c"], capture_output=True, text=True)
        check(r.returncode != 0 and "--read-only" in r.stderr, "a writing open there fails, told of --read-only",
              (r.returncode, r.stderr))
    else:
        print("skip the unwritable directory: needs root and runuser")
    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
