"""The SDK as a Python distribution: a wheel and an sdist that carry the license, the project's
URLs and a README whose links work outside the repository, and nothing but the package."""

import os
import re
import subprocess
import sys
import tarfile
import zipfile

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

BUILD = """
import sys
from setuptools import build_meta
out = sys.argv[1]
print(build_meta.build_wheel(out))
print(build_meta.build_sdist(out))
"""


def build(out_dir):
    # setuptools' PEP 517 backend in a child process (no `build` package, no network needed).
    done = subprocess.run(
        [sys.executable, "-c", BUILD, str(out_dir)],
        cwd=HERE,
        capture_output=True,
        text=True,
        check=True,
    )
    # setuptools logs to stdout too; the backend's answers are the file names it built.
    lines = done.stdout.splitlines()
    wheel = next(line for line in lines if line.endswith(".whl"))
    sdist = next(line for line in lines if line.endswith(".tar.gz"))
    return os.path.join(out_dir, wheel), os.path.join(out_dir, sdist)


def test_wheel_and_sdist_carry_the_license_urls_and_only_the_package(tmp_path):
    wheel, sdist = build(tmp_path)

    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = archive.read(metadata_name).decode()
    assert any(n.endswith(".dist-info/LICENSE") for n in names)
    assert "taskbridge/reference_schemas.json" in names and "taskbridge/py.typed" in names
    assert all(n.startswith(("taskbridge/", "taskbridge-")) for n in names), names
    assert "License: MIT" in metadata
    urls = re.findall(r"^Project-URL: (\w+), (\S+)$", metadata, re.M)
    assert {name for name, _ in urls} >= {"Homepage", "Documentation", "Source", "Issues"}
    assert all(url.startswith("https://") for _, url in urls)

    with tarfile.open(sdist) as archive:
        members = [m.split("/", 1)[1] for m in archive.getnames() if "/" in m]
    assert "LICENSE" in members and "pyproject.toml" in members and "README.md" in members


def test_readme_links_are_absolute():
    with open(os.path.join(HERE, "README.md"), encoding="utf-8") as readme:
        links = re.findall(r"\]\(([^)]+)\)", readme.read())
    assert links, "the README links to the project's docs"
    assert [link for link in links if not link.startswith(("https://", "#"))] == []
