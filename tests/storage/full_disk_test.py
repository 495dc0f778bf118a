#!/usr/bin/env python3
"""A real full disk: the database on a small tmpfs, filled by a bulk load
and by a transaction. Each fails naming the lack of space, leaves what was
committed before it as it was, and once space is freed the database opens,
passes kg check and takes writes again.

Needs to mount a tmpfs: as root, or else in a user namespace (unshare -rm);
where neither is possible the test is skipped (exit 77) and says why.

  full_disk_test.py KG_BINARY SCRATCH_DIR
"""
import os
import shutil
import subprocess
import sys


def run(kg, *args, check=True):
    r = subprocess.run([kg, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace")
    if check and r.returncode != 0:
        sys.exit("kg %s failed (%d):\n%s%s" % (" ".join(args), r.returncode, r.stdout, r.stderr))
    return r


def count(kg, db, label):
    r = run(kg, "query", "--db", db, "--format", "csv", "MATCH (n:%s) RETURN count(n)" % label)
    return int(r.stdout.strip().splitlines()[-1])


def main():
    kg, scratch = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    mnt = os.path.join(scratch, "small-disk")
    if not os.environ.get("KG_IN_NAMESPACE"):
        shutil.rmtree(scratch, ignore_errors=True)
        os.makedirs(mnt)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", mnt], capture_output=True, text=True)
    if r.returncode != 0:
        if not os.environ.get("KG_IN_NAMESPACE") and shutil.which("unshare"):
            env = dict(os.environ, KG_IN_NAMESPACE="1")
            again = subprocess.run(["unshare", "-rm", sys.executable] + sys.argv, env=env)
            if again.returncode != 78:
                return again.returncode
        print("skipped: cannot mount a tmpfs here (%s); the full-disk test needs root or user namespaces"
              % r.stderr.strip())
        return 77 if not os.environ.get("KG_IN_NAMESPACE") else 78
    try:
        db = os.path.join(mnt, "db")
        ballast = os.path.join(mnt, "ballast")
        # What was committed before the disk filled.
        run(kg, "query", "--db", db, "UNWIND range(1, 500) AS i CREATE (:Before {i: i, s: 'row ' + toString(i)})")
        with open(ballast, "wb") as f:
            f.write(b"\0" * (4 << 20))
        # A bulk load bigger than the disk.
        nodes = os.path.join(scratch, "big.csv")
        with open(nodes, "w") as f:
            f.write("id:ID,name,:LABEL\n")
            for i in range(500000):  # text that does not compress away
                f.write("n%d,%s,Big\n" % (i, os.urandom(32).hex()))
        load = run(kg, "load", "--db", db, "--nodes", nodes, check=False)
        print("bulk load on a full disk: exit %d: %s" % (load.returncode, load.stderr.strip().splitlines()[-1:]))
        assert load.returncode > 0, "the load did not fail with an error (exit %d)" % load.returncode
        assert "space" in load.stderr.lower(), load.stderr
        # A transaction bigger than the disk.
        txn = run(kg, "query", "--db", db,
                  "UNWIND range(1, 400000) AS i CREATE (:Txn {i: i, s: toString(rand()) + toString(rand()) + toString(rand())})",
                  check=False)
        print("transaction on a full disk: exit %d: %s" % (txn.returncode, txn.stderr.strip().splitlines()[-1:]))
        assert txn.returncode > 0, "the transaction did not fail with an error (exit %d)" % txn.returncode
        assert "space" in txn.stderr.lower(), txn.stderr
        # Space again: nothing of either is there, what was before is.
        os.remove(ballast)
        for name in os.listdir(db):
            if name.startswith("kg-load") or name.endswith(".run"):
                sys.exit("the failed load left %s behind" % name)
        assert count(kg, db, "Before") == 500
        assert count(kg, db, "Big") == 0
        assert count(kg, db, "Txn") == 0
        check = run(kg, "check", "--db", db)
        print(check.stdout.strip().splitlines()[-1] if check.stdout.strip() else "check: clean")
        run(kg, "query", "--db", db, "CREATE (:After)")
        assert count(kg, db, "After") == 1
        print("full disk: both writes refused, nothing lost, check clean, writable after")
        return 0
    finally:
        subprocess.run(["umount", mnt], capture_output=True)


if __name__ == "__main__":
    sys.exit(main())
