#!/usr/bin/env python3
"""Builds kg's libFuzzer targets (clang, ASan + UBSan, coverage) and runs
each for a bounded time or number of executions, from seed corpora made at
run time out of the tests, the example datasets and ../shared/tck (read,
never copied into the tree). First every target runs once over its saved
regression inputs (tests/fuzz/regressions/TARGET/), the minimal inputs of
what fuzzing found before. A crash, leak, timeout or sanitizer report fails
the run and leaves the input in the work directory, named in the output.

  tests/fuzz/run.py                     # 30 s per target: what CI runs
  tests/fuzz/run.py --runs 1000000      # the long run: 10^6 executions each
  tests/fuzz/run.py --seconds 600 statement load

Prints, per target, the executions, the coverage libFuzzer reports (cov:,
ft:) and the corpus size, in a table fit for tests/fuzz/RESULTS.md.
"""
import argparse
import concurrent.futures
import glob
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TARGETS = ["cypher_frontend", "statement", "load", "csv", "json", "records", "bolt", "fulltext_query"]
DICTS = {"cypher_frontend": "cypher.dict", "statement": "cypher.dict", "load": "csv.dict", "csv": "csv.dict",
         "json": "json.dict"}


def build(build_dir):
    if not os.path.exists(os.path.join(build_dir, "build.ninja")):
        env = dict(os.environ, CXX=os.environ.get("KG_FUZZ_CXX", "clang++"))
        subprocess.run(["cmake", "-S", ROOT, "-B", build_dir, "-G", "Ninja", "-DKG_FUZZ=ON",
                        "-DCMAKE_BUILD_TYPE=None", "-DCMAKE_CXX_FLAGS=-O1 -g1"], check=True, env=env)
    subprocess.run(["cmake", "--build", build_dir], check=True)


def cypher_statements():
    """Statements from the query tests, the datasets' scripts and the TCK."""
    out = []
    for path in glob.glob(os.path.join(ROOT, "tests", "queries", "*.test")):
        lines = open(path, encoding="utf-8").read().split("\n")
        for i, line in enumerate(lines):
            if (line.startswith("statement") or line.startswith("query")) and i + 1 < len(lines):
                out.append(lines[i + 1])
    for path in glob.glob(os.path.join(ROOT, "examples", "datasets", "*", "*.cypher")):
        text = open(path, encoding="utf-8").read()
        out += [s.strip() for s in text.split(";\n") if s.strip()][:200]
    tck = os.path.join(ROOT, "..", "shared", "tck")
    for path in glob.glob(os.path.join(tck, "features*", "**", "*.feature"), recursive=True):
        text = open(path, encoding="utf-8").read()
        out += [m.strip() for m in re.findall(r'"""\n(.*?)\n\s*"""', text, re.S)]
    return out


def seeds(target, seed_dir, limit=0):
    os.makedirs(seed_dir, exist_ok=True)
    items = []
    if target in ("cypher_frontend", "statement"):
        items = [s.encode() for s in cypher_statements() if len(s.encode()) <= 4096]
    elif target in ("load", "csv"):
        files = glob.glob(os.path.join(ROOT, "examples", "datasets", "*", "*.csv"))
        files += glob.glob(os.path.join(ROOT, "tests", "**", "*.csv"), recursive=True)
        for path in files:
            data = open(path, "rb").read()[:4000]
            data = data[: data.rfind(b"\n") + 1] or data
            items += [bytes([0]) + data, bytes([3]) + data] if target == "load" else [bytes([0]) + data]
        if target == "load":
            items.append(bytes([1]) + b":START_ID,:END_ID,:TYPE,w:int\n1,2,R,5\n2,3,S,\n")
            items.append(bytes([2]) + b'{"type":"node","id":"1","labels":["A"],"properties":{"name":"a","n":[1,2]}}\n'
                         b'{"type":"relationship","label":"R","start":{"id":"1"},"end":{"id":"1"},"properties":{}}\n')
    elif target == "json":
        items = [b'{"a": [1, 2.5, "x", null, true], "b": {"$type": "Integer", "_value": "42"}}',
                 b'[{"$type": "Date", "_value": "2021-03-01"}, "\\u00e9\\ud83d\\ude00"]', b'"text"', b'-0.0e1']
    elif target == "fulltext_query":
        items = [bytes([a]) + q for a in range(3) for q in
                 (b'poverty AND alleviation', b'"Selling Zhaotong" OR name:Beijing~', b'+a -b c*', b'(x OR y)^2')]
    elif target == "bolt":
        # RUN "RETURN 1" {} {}, and a map of temporal structures.
        items = [bytes.fromhex("B3108852455455524E2031A0A0"),
                 bytes.fromhex("B11092B3444400") + b"", bytes.fromhex("B0")]
    if limit and len(items) > limit:
        # An even sample: a short run then spends its time mutating, not
        # replaying thousands of seeds (the slower targets run a few dozen
        # inputs a second).
        step = len(items) / limit
        items = [items[int(k * step)] for k in range(limit)]
    for i, data in enumerate(items):
        with open(os.path.join(seed_dir, "seed-%05d" % i), "wb") as f:
            f.write(data)
    return len(items)


def run_target(target, binary, work, seconds, runs, max_len, seed_limit, leaks_at_exit):
    corpus = os.path.join(work, "corpus", target)
    seed_dir = os.path.join(work, "seeds", target)
    artifacts = os.path.join(work, "artifacts", target) + "/"
    for d in (corpus, artifacts):
        os.makedirs(d, exist_ok=True)
    shutil.rmtree(seed_dir, ignore_errors=True)
    n_seeds = seeds(target, seed_dir, seed_limit)
    log = os.path.join(work, target + ".log")
    # The targets' scratch databases go under the work directory, so that
    # those of a run stopped by a finding are not left in /tmp.
    scratch = os.path.join(work, "tmp", target)
    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(scratch)
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:symbolize=1",
               LSAN_OPTIONS="suppressions=" + os.path.join(HERE, "lsan.supp"),
               UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1", TMPDIR=scratch)
    # The saved regressions first, each run once.
    regressions = os.path.join(HERE, "regressions", target)
    if os.path.isdir(regressions) and os.listdir(regressions):
        files = sorted(os.path.join(regressions, f) for f in os.listdir(regressions))
        r = subprocess.run([binary, "-timeout=30", "-rss_limit_mb=4096"] + files, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
        if r.returncode != 0:
            return target, False, "a saved regression input fails again:\n" + r.stdout[-4000:]
    args = [binary, corpus, seed_dir, "-timeout=20", "-rss_limit_mb=4096", "-max_len=%d" % max_len,
            "-print_final_stats=1", "-artifact_prefix=" + artifacts,
            "-detect_leaks=%d" % (0 if leaks_at_exit else 1)]
    if runs:
        args.append("-runs=%d" % runs)
    if seconds:
        args.append("-max_total_time=%d" % seconds)
    if target in DICTS:
        args.append("-dict=" + os.path.join(HERE, DICTS[target]))
    with open(log, "w") as out:
        r = subprocess.run(args, env=env, stdout=out, stderr=subprocess.STDOUT)
    text = open(log, errors="replace").read()
    execs = re.findall(r"stat::number_of_executed_units: (\d+)", text)
    cov = re.findall(r"cov: (\d+) ft: (\d+)", text)
    speed = re.findall(r"exec/s: (\d+)", text)
    units = len(os.listdir(corpus))
    summary = "| %-16s | %10s | %6s | %7s | %7s | %6d | %5d |" % (
        target, execs[-1] if execs else "?", speed[-1] if speed else "?", cov[-1][0] if cov else "?",
        cov[-1][1] if cov else "?", units, n_seeds)
    if r.returncode != 0:
        found = [os.path.join(artifacts, f) for f in os.listdir(artifacts)]
        tail = "\n".join(text.splitlines()[-60:])
        return target, False, summary + "\nlibFuzzer exit %d; inputs kept: %s\n%s" % (r.returncode, found, tail)
    return target, True, summary


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("targets", nargs="*", default=TARGETS)
    p.add_argument("--seconds", type=int, default=None, help="time per target (default 30 unless --runs)")
    p.add_argument("--runs", type=int, default=0, help="executions per target")
    p.add_argument("--build-dir", default=os.path.join(ROOT, "build-fuzz"))
    p.add_argument("--work", default=None, help="corpora, logs and crash inputs (default BUILD_DIR/work)")
    p.add_argument("-j", type=int, default=os.cpu_count() or 1)
    p.add_argument("--max-len", type=int, default=4096)
    p.add_argument("--no-build", action="store_true", help="run the targets already built in --build-dir")
    p.add_argument("--seed-limit", type=int, default=None,
                   help="seeds per target, an even sample (default 200 for a timed run, all with --runs; 0: all)")
    p.add_argument("--leaks-at-exit", action="store_true",
                   help="look for leaks once, when each target exits, not after every input that keeps memory: "
                        "the load and statement targets keep memtables between inputs, and with a large heap "
                        "libFuzzer's check after each of them slows them several times over")
    a = p.parse_args()
    seconds = a.seconds if a.seconds is not None else (0 if a.runs else 30)
    seed_limit = a.seed_limit if a.seed_limit is not None else (0 if a.runs else 200)
    unknown = [t for t in a.targets if t not in TARGETS]
    if unknown:
        p.error("unknown targets %s; the targets are %s" % (unknown, " ".join(TARGETS)))
    if not a.no_build:
        build(a.build_dir)
    work = a.work or os.path.join(a.build_dir, "work")
    os.makedirs(work, exist_ok=True)
    print("| target           | executions | exec/s |    cov: |     ft: | corpus | seeds |")
    print("|------------------|-----------:|-------:|--------:|--------:|-------:|------:|")
    ok = True
    with concurrent.futures.ThreadPoolExecutor(max_workers=a.j) as pool:
        jobs = [pool.submit(run_target, t, os.path.join(a.build_dir, "tests", "fuzz", t + "_fuzz"), work, seconds,
                            a.runs, a.max_len, seed_limit, a.leaks_at_exit) for t in a.targets]
        for job in jobs:
            target, good, summary = job.result()
            print(summary, flush=True)
            ok = ok and good
    if not ok:
        print("fuzzing found a failure (see above); logs in " + work, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
