"""``ruff check`` over workers/python with the settings of pyproject.toml ``[tool.ruff]``.

Ruff runs here as its WebAssembly build from npm (``@astral-sh/ruff-wasm-nodejs``, the same
Rust rules as the ``ruff`` binary, which no Debian or npm package carries), under Node. That
build reads no files itself: this test finds the files, applies ``per-file-ignores`` and reports
as ``ruff check`` would. Skipped, saying so, where Node or the package is missing.
"""

from __future__ import annotations

import fnmatch
import json
import os
import shutil
import subprocess
from typing import Any

import pytest

SDK = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(os.path.dirname(SDK))
RUFF_WASM = "@astral-sh/ruff-wasm-nodejs"
# ruff's own default exclusions, those that can occur here
EXCLUDED = {".git", ".venv", "venv", "build", "dist", "node_modules", "__pycache__", ".mypy_cache"}

# Reads {module, root, groups: [{settings, files}]} on stdin, prints the diagnostics as JSON.
CHECK = r"""
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const input = JSON.parse(readFileSync(0, "utf8"));
let ruff;
try {
  // The root's node_modules (npm ci installs it there), loaded as Node loads a package's main.
  const dir = join(input.root, "node_modules", input.module);
  const main = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).main ?? "index.js";
  const loaded = await import(pathToFileURL(join(dir, main)).href);
  ruff = loaded.Workspace === undefined ? loaded.default : loaded;
} catch (error) {
  process.stdout.write(JSON.stringify({ missing: String(error.message).split("\n")[0] }));
  process.exit(0);
}
const diagnostics = [];
for (const group of input.groups) {
  const workspace = new ruff.Workspace(group.settings, ruff.PositionEncoding.Utf32);
  for (const file of group.files) {
    for (const found of workspace.check(readFileSync(file, "utf8"))) {
      const { row, column } = found.start_location;
      diagnostics.push({ file, row, column, code: found.code, message: found.message });
    }
  }
}
process.stdout.write(JSON.stringify({ version: ruff.Workspace.version(), diagnostics }));
"""


def _settings() -> dict[str, Any]:
    try:
        import tomllib
    except ImportError:  # Python < 3.11
        pytest.fail("reading pyproject.toml needs Python 3.11 (tomllib): use /usr/bin/python3")
    with open(os.path.join(SDK, "pyproject.toml"), "rb") as file:
        ruff: dict[str, Any] = tomllib.load(file)["tool"]["ruff"]
    return ruff


def _python_files() -> list[str]:
    found = []
    for folder, subfolders, files in os.walk(SDK):
        subfolders[:] = sorted(
            name for name in subfolders if name not in EXCLUDED and not name.endswith(".egg-info")
        )
        found.extend(os.path.join(folder, name) for name in sorted(files) if name.endswith(".py"))
    return found


def _first_party(settings: dict[str, Any]) -> list[str]:
    """The modules ruff finds in the ``src`` folders (the WebAssembly build cannot look)."""
    names = set()
    for folder in settings.get("src", ["."]):
        for entry in os.listdir(os.path.join(SDK, folder)):
            path = os.path.join(SDK, folder, entry)
            if entry.endswith(".py"):
                names.add(entry[: -len(".py")])
            elif os.path.exists(os.path.join(path, "__init__.py")):
                names.add(entry)
    return sorted(names)


def _groups(settings: dict[str, Any]) -> list[dict[str, Any]]:
    """Files grouped by the rules they ignore: the WebAssembly build knows no file paths."""
    lint = dict(settings.get("lint", {}))
    per_file = lint.pop("per-file-ignores", {})
    isort = dict(lint.get("isort", {}))
    isort["known-first-party"] = [*isort.get("known-first-party", []), *_first_party(settings)]
    lint["isort"] = isort
    settings = {key: value for key, value in settings.items() if key != "src"}
    groups: dict[tuple[str, ...], list[str]] = {}
    for path in _python_files():
        relative = os.path.relpath(path, SDK).replace(os.sep, "/")
        ignored = sorted(
            {code for pattern, codes in per_file.items() if fnmatch.fnmatch(relative, pattern)
             for code in codes}
        )
        groups.setdefault(tuple(ignored), []).append(path)
    return [
        {"settings": {**settings, "lint": {**lint, "ignore": [*ignore, *ignored]}}, "files": files}
        for ignore in [lint.get("ignore", [])]
        for ignored, files in groups.items()
    ]


def test_ruff_check_passes() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.fail("ruff runs under Node here, and there is no node on PATH")
    request = {"module": RUFF_WASM, "root": ROOT, "groups": _groups(_settings())}
    ran = subprocess.run(
        [node, "--input-type=module", "-e", CHECK],
        input=json.dumps(request), cwd=SDK, capture_output=True, text=True, timeout=300, check=True,
    )
    answer = json.loads(ran.stdout)
    if "missing" in answer:
        pytest.fail(f"ruff not run: npm ci installs {RUFF_WASM} ({answer['missing']})")
    report = [
        f"{os.path.relpath(d['file'], SDK)}:{d['row']}:{d['column']}: {d['code']} {d['message']}"
        for d in answer["diagnostics"]
    ]
    assert report == [], f"ruff {answer['version']} check:\n" + "\n".join(report)
