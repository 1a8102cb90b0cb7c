"""Launcher for `npm run worker:python`: serve the reference services from this checkout.

Works without installing the package: puts workers/python on sys.path, and re-executes under
Debian's /usr/bin/python3 when the interpreter on PATH has no aio-pika.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

try:
    import aio_pika  # noqa: F401
except ImportError:
    fallback = "/usr/bin/python3"
    if os.path.realpath(sys.executable) != os.path.realpath(fallback) and os.path.exists(fallback):
        os.execv(fallback, [fallback, os.path.abspath(__file__), *sys.argv[1:]])
    sys.stderr.write("taskbridge: aio-pika is not installed (pip install ./workers/python)\n")
    sys.exit(1)

sys.path.insert(0, HERE)

from taskbridge.reference import main  # noqa: E402

main()
