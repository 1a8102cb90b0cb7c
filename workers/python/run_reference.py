"""Launcher for `npm run worker:python`: serve the reference services from this checkout.

Works without installing the package: puts workers/python on sys.path. It needs a Python with
aio-pika: the one running it, else the checkout's ``.venv`` (docs/python.md), else Debian's
``/usr/bin/python3``. It re-executes under the first of those that has aio-pika, says on stderr
which interpreter it runs on, and when none has aio-pika names the ones it tried and how to
make one that works.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from collections.abc import Callable, Sequence
from typing import Optional

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

#: Tried in order when the running interpreter has no aio-pika.
FALLBACKS = (os.path.join(ROOT, ".venv", "bin", "python"), "/usr/bin/python3")

#: The install that works offline on Debian (python3-aio-pika), from the checkout's root.
VENV_RECIPE = (
    "/usr/bin/python3 -m venv --system-site-packages .venv && "
    ".venv/bin/pip install --no-build-isolation ./workers/python"
)


def has_aio_pika(python: str) -> bool:
    """True when ``python`` can import aio_pika."""
    check = subprocess.run(
        [python, "-c", "import aio_pika"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    return check.returncode == 0


def pick_interpreter(
    current: str, fallbacks: Sequence[str], works: Callable[[str], bool] = has_aio_pika
) -> Optional[str]:
    """The first of ``fallbacks`` that exists, is not ``current`` and ``works``, else ``None``.

    Paths are compared as given, not resolved: a venv's ``python`` is a symlink to its base
    interpreter, yet a different environment.
    """
    for candidate in fallbacks:
        if os.path.abspath(candidate) == os.path.abspath(current) or not os.path.exists(candidate):
            continue
        if works(candidate):
            return candidate
    return None


def missing_message(tried: Sequence[str]) -> str:
    """What to say when no interpreter has aio-pika."""
    return (
        f"taskbridge: no Python with aio-pika (tried {', '.join(tried)}).\n"
        f"  Debian: apt-get install python3-aio-pika, or from the checkout's root:\n"
        f"  {VENV_RECIPE}\n"
        "  (or pip install aio-pika where a Python package registry is reachable; "
        "see docs/python.md)\n"
    )


def main() -> None:
    try:
        import aio_pika
    except ImportError:
        chosen = pick_interpreter(sys.executable, FALLBACKS)
        if chosen is None:
            tried = [sys.executable, *(path for path in FALLBACKS if os.path.exists(path))]
            sys.stderr.write(missing_message(tried))
            sys.exit(1)
        sys.stderr.write(
            f"taskbridge: {sys.executable} has no aio-pika; re-running under {chosen}\n"
        )
        sys.stderr.flush()
        os.execv(chosen, [chosen, os.path.abspath(__file__), *sys.argv[1:]])
    sys.stderr.write(
        f"taskbridge: python worker on {sys.executable} "
        f"(Python {platform.python_version()}, aio-pika {aio_pika.__version__})\n"
    )
    sys.stderr.flush()
    sys.path.insert(0, HERE)
    from taskbridge.reference import main as serve

    serve()


if __name__ == "__main__":
    main()
