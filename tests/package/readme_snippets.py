#!/usr/bin/env python3
"""Writes the C++ snippets of README.md's Embedding section, in order, as
the body of one main() to OUT.cpp, so that a test can build and run them.

Usage: readme_snippets.py README.md OUT.cpp
"""
import re
import sys


def main(readme, out):
    text = open(readme, encoding="utf-8").read()
    section = text.split("## Embedding", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```cpp\n(.*?)```", section, re.S)
    if not blocks:
        print("README.md: no C++ snippet in the Embedding section")
        return 1
    body = []
    for block in blocks:
        for line in block.splitlines():
            if not line.startswith("#include"):
                body.append("  " + line)
    with open(out, "w", encoding="utf-8") as f:
        f.write('#include <iostream>\n\n#include "kg/kg.h"\n\nint main() {\n')
        f.write("\n".join(body))
        f.write("\n  return 0;\n}\n")
    print(f"{len(blocks)} snippets")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
