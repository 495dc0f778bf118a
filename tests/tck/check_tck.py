#!/usr/bin/env python3
"""Runs the openCypher TCK subset (../shared/tck: features/ and the temporal
family in features-temporal/) against kg and fails when a scenario that is
not listed in expected_failures.txt fails. Progress only
goes forward: a listed scenario that now passes is reported so the list can
shrink.

Usage: check_tck.py --bin build/cli/kg --tck ../shared/tck [-j 2]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def load_expected(path):
    expected = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            scenario, _, reason = line.partition(" ")
            expected[scenario] = reason.strip()
    return expected


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--tck", required=True)
    ap.add_argument("-j", default="2")
    args = ap.parse_args()
    runner = os.path.abspath(os.path.join(args.tck, "run_tck.py"))
    if not os.path.exists(runner):
        print(f"check_tck: no TCK at {args.tck}; skipped")
        return 0
    expected = load_expected(os.path.join(HERE, "expected_failures.txt"))
    # The openCypher TCK's main features, then the temporal family; the
    # temporal scenarios' ids carry their directory's name.
    scenarios = []
    for folder in ("features", "features-temporal"):
        features = os.path.join(os.path.abspath(args.tck), folder)
        if not os.path.isdir(features):
            print(f"check_tck: no {features}; skipped")
            continue
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "tck.json")
            proc = subprocess.run([sys.executable, runner, "--bin", os.path.abspath(args.bin), "-j", args.j,
                                   "--features", features, "--json", out], cwd=tmp, capture_output=True, text=True)
            print(proc.stdout[-3000:])
            if not os.path.exists(out):
                print(proc.stderr[-3000:])
                return 1
            with open(out, encoding="utf-8") as f:
                for sc in json.load(f)["scenarios"]:
                    if folder != "features":
                        sc["id"] = folder + "/" + sc["id"]
                    scenarios.append(sc)
    failed = {s["id"]: s for s in scenarios if s["status"] != "PASS"}
    unexpected = sorted(set(failed) - set(expected))
    fixed = sorted(set(expected) - set(failed))
    total = len(scenarios)
    print(f"TCK: {total - len(failed)} of {total} scenarios pass; {len(failed)} fail, "
          f"{len(failed) - len(unexpected)} of them expected")
    for sid in fixed:
        print(f"  now passing (remove from expected_failures.txt): {sid}")
    for sid in unexpected:
        print(f"  UNEXPECTED FAILURE {sid}: {failed[sid]['name']}: {failed[sid]['reason'][:300]}")
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
