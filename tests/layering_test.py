#!/usr/bin/env python3
"""Checks that every #include in the tree keeps the house's layering.

    query/ -> graph/ -> storage/, each only the next layer down;
    cli/, server/, examples/ -> include/kg/ only (cli/ may use server/);
    include/kg/ -> include/kg/ only (Boost only in kg/graph_view.h);
    RocksDB's headers only in storage/ (and storage's own tests).

Usage: layering_test.py SOURCE_ROOT     exits 1 listing each violation
       layering_test.py --self-test     plants wrong includes in a scratch
                                        tree and exits 1 unless each is found
"""
import os
import re
import sys
import tempfile

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')

# Folder of the including file -> the project folders its quoted includes
# may name (by their first path component).
ALLOWED = {
    "storage": {"storage", "kg"},
    "graph": {"graph", "storage", "kg"},
    "query": {"query", "graph", "kg"},
    "cli": {"cli", "server", "kg"},
    "server": {"server", "kg"},
    "examples": {"kg"},
    "include": {"kg"},
}
PROJECT_FOLDERS = {"storage", "graph", "query", "cli", "server", "kg", "tests", "examples", "bench"}
SOURCE_EXTENSIONS = (".h", ".cc", ".cpp")


def violations_in(root):
    found = []
    for top in sorted(ALLOWED) + ["tests", "bench"]:
        base = os.path.join(root, top)
        for folder, _, files in os.walk(base):
            for name in sorted(files):
                if not name.endswith(SOURCE_EXTENSIONS):
                    continue
                path = os.path.join(folder, name)
                rel = os.path.relpath(path, root)
                with open(path, encoding="utf-8", errors="replace") as f:
                    for number, line in enumerate(f, 1):
                        m = INCLUDE.match(line)
                        if not m:
                            continue
                        problem = check(rel, top, m.group(1), m.group(2))
                        if problem:
                            found.append(f"{rel}:{number}: {problem}: {line.strip()}")
    return found


def check(rel, top, bracket, target):
    first = target.split("/", 1)[0]
    if first == "rocksdb" and top != "storage" and not rel.startswith("tests/storage/"):
        return "RocksDB's headers are included in storage/ only"
    if top in ("tests", "bench"):
        return None
    if bracket == "<":
        if first in ("cereal",) and top != "storage":
            return "cereal is storage's record encoding"
        if first == "boost" and top == "include" and rel != "include/kg/graph_view.h":
            return "a public header other than kg/graph_view.h includes Boost"
        return None
    if first not in PROJECT_FOLDERS:
        return None  # a file beside the includer
    if first not in ALLOWED[top]:
        return f"{top}/ may include {', '.join(sorted(ALLOWED[top]))}, not {first}/"
    return None


def self_test():
    planted = {
        "query/bad.cc": '#include "storage/store.h"\n',
        "graph/bad.cc": '#include "query/planner.h"\n',
        "storage/bad.cc": '#include "graph/graph.h"\n',
        "cli/bad.cc": '#include "graph/graph.h"\n',
        "server/bad.cc": '#include "query/ast.h"\n',
        "examples/bad.cpp": '#include "query/ast.h"\n',
        "include/kg/bad.h": '#include "storage/records.h"\n',
        "graph/rocks.cc": "#include <rocksdb/db.h>\n",
        "include/kg/boost.h": "#include <boost/graph/graph_traits.hpp>\n",
    }
    clean = {
        "query/good.cc": '#include "graph/graph.h"\n#include "kg/value.h"\n#include <vector>\n',
        "storage/good.cc": "#include <rocksdb/db.h>\n",
        "include/kg/graph_view.h": "#include <boost/graph/graph_traits.hpp>\n",
    }
    with tempfile.TemporaryDirectory() as root:
        for rel, text in {**planted, **clean}.items():
            os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
            with open(os.path.join(root, rel), "w") as f:
                f.write(text)
        found = violations_in(root)
    flagged = {v.split(":", 1)[0] for v in found}
    missed = sorted(set(planted) - flagged)
    wrong = sorted(flagged - set(planted))
    for m in missed:
        print(f"self-test: the planted include in {m} was not found")
    for w in wrong:
        print(f"self-test: {w} was flagged but keeps the rules")
    if missed or wrong:
        return 1
    print(f"self-test: all {len(planted)} planted wrong includes found, no clean file flagged")
    return 0


def main(argv):
    if len(argv) == 2 and argv[1] == "--self-test":
        return self_test()
    if len(argv) != 2:
        print(__doc__)
        return 2
    found = violations_in(argv[1])
    for v in found:
        print(v)
    if found:
        print(f"{len(found)} includes cross the layers the wrong way")
        return 1
    print("every include keeps the layering")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
