#!/usr/bin/env python3
"""Checks every #include of the source tree against the layer rules.

Each source folder has a file .may_include (docs/ARCHITECTURE.md, "Layers")
with one rule a line ('#' starts a comment):

    FOLDER               files here may include that folder's headers
                         (a path from the repository root: common,
                         server/domain; FOLDER/* takes its subfolders too)
    FOLDER/NAME.h        just that header
    <HEADER>             a system header that is restricted (below)
    <HEADER> FILE...     ... allowed only in these files of the folder
                         (shell patterns: store_*.c)

A quoted include ("conn.h") names a header by its file name, as the build's
include paths find it, so every header name in the tree must be unique;
the checker fails on two of the same name. Generated headers are named in
GENERATED. The restricted system headers (RESTRICTED) may appear only where
a folder's .may_include allows them; every other system header is free.

A folder without a .may_include is not checked (tests/, which may include
anything); a source folder below one that has none is an error, so a new
folder cannot slip past. Exit status 0 when every include is allowed,
1 with one line per refusal, 2 on a malformed rule.
"""
import fnmatch
import os
import re
import sys

# The folders whose files are checked. Every folder under them that holds a
# .c or .h file needs a .may_include.
CHECKED_ROOTS = ["common", "client", "server", "bench"]

# Generated at build time: header name -> the folder it counts as.
GENERATED = {
    "assure.pb-c.h": "proto",
    "version.h": "common",
}

# System headers that only some files may include: a prefix (ending in
# '/') or an exact name. The reasons are in docs/ARCHITECTURE.md.
RESTRICTED = ["sqlite3.h", "openssl/", "argon2.h", "event2/", "systemd/"]

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def restricted(header):
    return any(header.startswith(r) if r.endswith("/") else header == r for r in RESTRICTED)


class Rules:
    def __init__(self, folder, path):
        self.folder = folder
        self.folders = set()  # exact folders
        self.trees = set()  # folders with their subfolders
        self.headers = set()  # FOLDER/NAME.h
        self.system = []  # (pattern, [file patterns] or None)
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                line = line.split("#", 1)[0].strip()
                if not line:
                    continue
                words = line.split()
                if words[0].startswith("<"):
                    if not words[0].endswith(">"):
                        raise ValueError(f"{path}:{n}: '{words[0]}' is not <HEADER>")
                    self.system.append((words[0][1:-1], words[1:] or None))
                elif len(words) != 1:
                    raise ValueError(f"{path}:{n}: one folder or header a line, got '{line}'")
                elif words[0].endswith("/*"):
                    self.trees.add(words[0][:-2])
                elif words[0].endswith(".h"):
                    self.headers.add(words[0])
                else:
                    self.folders.add(words[0])

    def allows_folder(self, folder, header):
        if folder in self.folders or f"{folder}/{header}" in self.headers:
            return True
        return any(folder == t or folder.startswith(t + "/") for t in self.trees)

    def allows_system(self, header, file):
        for pattern, files in self.system:
            matches = header.startswith(pattern) if pattern.endswith("/") else header == pattern
            if matches and (files is None or any(fnmatch.fnmatch(file, p) for p in files)):
                return True
        return False


def main(root):
    os.chdir(root)
    sources = []  # (folder, file name)
    for top in CHECKED_ROOTS:
        for folder, dirs, files in os.walk(top):
            dirs.sort()
            for name in sorted(files):
                if name.endswith((".c", ".h")):
                    sources.append((folder, name))

    where = dict(GENERATED)  # header name -> folder
    dup = []
    for folder, name in sources:
        if name.endswith(".h"):
            if name in where:
                dup.append(f"{folder}/{name}: a header of this name is also in {where[name]}")
            where[name] = folder

    problems = list(dup)
    rules = {}
    for folder in sorted({f for f, _ in sources}):
        path = os.path.join(folder, ".may_include")
        if not os.path.exists(path):
            problems.append(f"{folder}: no .may_include (say what its files may include)")
            continue
        try:
            rules[folder] = Rules(folder, path)
        except ValueError as e:
            print(e, file=sys.stderr)
            return 2

    checked = 0
    for folder, name in sources:
        r = rules.get(folder)
        if r is None:
            continue
        path = f"{folder}/{name}"
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                checked += 1
                kind, header = m.groups()
                if kind == "<":
                    if restricted(header) and not r.allows_system(header, name):
                        problems.append(
                            f"{path}:{n}: <{header}> is not allowed here "
                            f"({folder}/.may_include)")
                    continue
                target = where.get(os.path.basename(header))
                if target is None:
                    problems.append(f'{path}:{n}: "{header}" is no header of this tree')
                elif target != folder and not r.allows_folder(target, os.path.basename(header)):
                    problems.append(
                        f'{path}:{n}: "{header}" is in {target}, which {folder} may not '
                        f"include ({folder}/.may_include)")

    for p in problems:
        print(p)
    print(f"check_layers: {len(sources)} files, {checked} includes, {len(problems)} refused",
          file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
