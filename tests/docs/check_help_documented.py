#!/usr/bin/env python3
"""Every option `assured --help` prints is documented in docs/CONTRACTS.md.

usage: check_help_documented.py ASSURED CONTRACTS_MD

Reads the option names from the help text (the indented "--name" lines and
the flags of the usage lines for `assured init` and `assured audit-verify`)
and fails naming each one the contracts page does not mention as `--name`.
So a new option cannot ship undocumented, and a help text that lost its
options (nothing found) fails too.
"""
import re
import subprocess
import sys


def main(assured, contracts):
    out = subprocess.run([assured, "--help"], capture_output=True, text=True, timeout=30)
    text = out.stdout + out.stderr
    if out.returncode != 0:
        print(f"{assured} --help exited {out.returncode}")
        return 1
    names = set(re.findall(r"^\s+(--[a-z][a-z0-9-]*)", text, re.M))
    for line in text.splitlines():
        if line.lstrip().startswith(("usage:", "assured ", "[")) or line.startswith(" " * 7):
            names.update(re.findall(r"(--[a-z][a-z0-9-]*)", line))
    if len(names) < 10:
        print(f"found only {len(names)} options in the help text: {sorted(names)}")
        return 1
    with open(contracts, encoding="utf-8") as f:
        doc = f.read()
    missing = [n for n in sorted(names) if not re.search(re.escape(n) + r"(?![a-z0-9-])", doc)]
    for n in missing:
        print(f"{n}: in `assured --help` but not in {contracts}")
    print(f"check_help_documented: {len(names)} options, {len(missing)} undocumented",
          file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
