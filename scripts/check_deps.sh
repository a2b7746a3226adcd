#!/usr/bin/env bash
# Checks the house rule that a module's README says what it may depend on: for every module
# folder (a folder with both CMakeLists.txt and README.md), reads the "May depend on:"
# paragraph of its README and compares it with the project includes of its C++ sources
# (#include "X/..." names module X, the longest module folder that prefixes the path;
# "qgrad/v1/..." is proto). Prints each include that the README does not allow and exits 1
# if there is any. Run from anywhere: scripts/check_deps.sh [REPO_ROOT]
#
# Reading the paragraph: module names in it are allowed; "backends" allows every module
# under backends/; "every module" or "every library module" allows all. Sentences from the
# first one that begins "Not", "Nothing" or "Never" on are prohibitions and are ignored.
# Test files (*_test.*, *_test_util.*, *_fuzz*, fake_*) may also use the test-support
# modules `testing` and `backends/conformance`. A path to a file (`backends/backend.h`)
# allows the module that holds it.
set -euo pipefail
root=${1:-"$(cd "$(dirname "$0")/.." && pwd)"}
exec python3 - "$root" <<'PY'
import os, re, sys

root = sys.argv[1]
SKIP_DIRS = {".git", "deploy", "docs", "scripts", "cmake"}

modules = []
for dirpath, dirnames, filenames in os.walk(root):
    rel = os.path.relpath(dirpath, root)
    dirnames[:] = sorted(d for d in dirnames
                         if not d.startswith(".") and not d.startswith("build")
                         and d not in SKIP_DIRS and d != "testdata")
    if rel != "." and "CMakeLists.txt" in filenames and "README.md" in filenames:
        modules.append(rel.replace(os.sep, "/"))
SOURCE_SUFFIXES = (".h", ".cc", ".cpp", ".hpp")
module_set = set(modules)

def module_of(include):
    """The module an include path names, or None for a path outside the project."""
    if include.startswith("qgrad/v1/"):
        return "proto" if "proto" in module_set else None
    parts = include.split("/")
    for n in range(len(parts) - 1, 0, -1):
        candidate = "/".join(parts[:n])
        if candidate in module_set:
            return candidate
    return None

def allowed(module):
    """(set of allowed modules, True if everything is allowed), or None without the line."""
    text = open(os.path.join(root, module, "README.md"), encoding="utf-8").read()
    m = re.search(r"^\**May depend on:\**(.*?)(?:\n\s*\n|\Z)", text, re.S | re.M)
    if not m:
        return None
    para = " ".join(m.group(1).split())
    para = re.split(r"(?:^|[.;]\s+)(?:Not|Nothing|Never)\b", para)[0]
    if re.search(r"\bevery (?:library )?module\b", para):
        return set(), True
    ok = set()
    for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*(?:/[A-Za-z0-9_.]+)*", para):
        word = word.strip("/.")
        named = {mod for mod in modules if mod == word or mod.startswith(word + "/")}
        ok |= named
        if not named and "/" in word:  # a file by path (`backends/backend.h`): its module
            owner = module_of(word)
            if owner is not None:
                ok.add(owner)
    return ok, False

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
# Modules that exist to serve tests: any module's test files may use them.
TEST_SUPPORT = {"testing", "backends/conformance"}
TEST_FILE = re.compile(r"(_test\.|_test_util\.|_fuzz|^fake_)")
violations = []
for module in modules:
    rule = allowed(module)
    if rule is None and not any(f.endswith(SOURCE_SUFFIXES)
                                for f in os.listdir(os.path.join(root, module))):
        continue  # no C++ here (examples/python): nothing to check
    if rule is None:
        violations.append(f"{module}/README.md: no 'May depend on:' line")
        continue
    ok, everything = rule
    mdir = os.path.join(root, module)
    for dirpath, dirnames, filenames in os.walk(mdir):
        rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
        # Nested modules (backends/statevector inside backends) are checked on their own.
        dirnames[:] = sorted(d for d in dirnames
                             if f"{rel_dir}/{d}" not in module_set and not d.startswith("."))
        for name in sorted(filenames):
            if not name.endswith(SOURCE_SUFFIXES):
                continue
            path = os.path.join(dirpath, name)
            text = open(path, encoding="utf-8", errors="replace").read()
            for inc in INCLUDE.findall(text):
                dep = module_of(inc)
                if dep is None or dep == module or everything or dep in ok:
                    continue
                if dep in TEST_SUPPORT and TEST_FILE.search(name):
                    continue
                violations.append(
                    f"{os.path.relpath(path, root)}: includes \"{inc}\" but {module}/README.md "
                    f"does not list {dep}")

for v in violations:
    print(v)
print(f"check_deps: {len(modules)} modules ({', '.join(modules)}), {len(violations)} violations")
sys.exit(1 if violations else 0)
PY
