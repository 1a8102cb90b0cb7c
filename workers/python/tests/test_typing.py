"""The SDK stays ``mypy --strict`` clean (settings: pyproject.toml ``[tool.mypy]``)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile

import pytest

SDK = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INSTALL_HINT = (
    "mypy is not installed for {python}: the SDK's type check needs it. Debian: "
    "apt-get install python3-mypy; elsewhere: {python} -m pip install mypy"
)


def test_the_package_is_mypy_strict_clean() -> None:
    if importlib.util.find_spec("mypy") is None:
        pytest.fail(INSTALL_HINT.format(python=sys.executable), pytrace=False)
    # a cache outside the checkout: quick on the second run, nothing left in the tree
    cache = os.path.join(tempfile.gettempdir(), "taskbridge-mypy-cache")
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--config-file", "pyproject.toml",
         "--cache-dir", cache, "taskbridge"],
        cwd=SDK, capture_output=True, text=True, timeout=600, check=False,
    )
    assert checked.returncode == 0, f"mypy --strict taskbridge:\n{checked.stdout}{checked.stderr}"
