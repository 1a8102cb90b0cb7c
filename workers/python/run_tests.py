"""Launcher for `npm run test:python`: the SDK's pytest suite against the local RabbitMQ.

Re-executes under Debian's /usr/bin/python3 when the interpreter on PATH lacks aio-pika or
pytest; extra arguments go to pytest (e.g. `npm run test:python -- -k cancel`).
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

try:
    import aio_pika  # noqa: F401
    import pytest
except ImportError:
    fallback = "/usr/bin/python3"
    if os.path.realpath(sys.executable) != os.path.realpath(fallback) and os.path.exists(fallback):
        os.execv(fallback, [fallback, os.path.abspath(__file__), *sys.argv[1:]])
    sys.stderr.write(
        "taskbridge: the tests need aio-pika and pytest "
        "(apt-get install python3-aio-pika python3-pytest)\n"
    )
    sys.exit(1)

ARGS = ["-q", "-p", "no:cacheprovider", "--rootdir", HERE, os.path.join(HERE, "tests")]
sys.exit(pytest.main([*ARGS, *sys.argv[1:]]))
