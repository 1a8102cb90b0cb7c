"""A throwaway RabbitMQ node for the broker-restart test (never the shared one on 5672).

The Python twin of test/support/rabbitNode.ts: its own node name, ports, data, logs and cookie
under a temp folder, no plugins, so it boots in seconds and touches nothing else.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
from typing import Optional

SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _can_connect(port: int) -> bool:
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return False
    writer.close()
    return True


class RabbitNode:
    def __init__(self) -> None:
        self.dir = tempfile.mkdtemp(prefix="tb-rabbit-py-")
        self.port = _free_port()
        self.url = f"amqp://guest:guest@127.0.0.1:{self.port}"
        name = f"tb-test-py{secrets.token_hex(4)}@localhost"
        for sub in ("mnesia", "log", "home"):
            os.mkdir(os.path.join(self.dir, sub))
        with open(os.path.join(self.dir, "enabled_plugins"), "w") as f:
            f.write("[].\n")
        with open(os.path.join(self.dir, "rabbitmq.conf"), "w") as f:
            f.write(f"listeners.tcp.default = {self.port}\n")
        open(os.path.join(self.dir, "rabbitmq-env.conf"), "w").close()
        self.pid_file = os.path.join(self.dir, "rabbit.pid")
        inherited = {k: v for k, v in os.environ.items() if not k.startswith("RABBITMQ_")}
        self.env = {
            **inherited,
            "HOME": os.path.join(self.dir, "home"),
            "RABBITMQ_CONF_ENV_FILE": os.path.join(self.dir, "rabbitmq-env.conf"),
            "RABBITMQ_NODENAME": name,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(_free_port()),
            "RABBITMQ_MNESIA_BASE": os.path.join(self.dir, "mnesia"),
            "RABBITMQ_LOG_BASE": os.path.join(self.dir, "log"),
            "RABBITMQ_CONFIG_FILE": os.path.join(self.dir, "rabbitmq.conf"),
            "RABBITMQ_ADVANCED_CONFIG_FILE": os.path.join(self.dir, "advanced.config"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": os.path.join(self.dir, "enabled_plugins"),
            "RABBITMQ_PLUGINS_EXPAND_DIR": os.path.join(self.dir, "plugins-expand"),
            "RABBITMQ_PID_FILE": self.pid_file,
            "ERL_EPMD_ADDRESS": "127.0.0.1",
        }
        self.process: Optional[subprocess.Popen[bytes]] = None

    def _spawn(self) -> subprocess.Popen[bytes]:
        if os.path.exists(self.pid_file):
            os.remove(self.pid_file)
        with open(os.path.join(self.dir, "log", "console.log"), "a") as log:
            return subprocess.Popen(
                [SERVER], env=self.env, stdout=log, stderr=log, start_new_session=True
            )

    async def start(self, timeout: float = 90) -> None:
        self.process = await asyncio.to_thread(self._spawn)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not await _can_connect(self.port):
            if self.process.poll() is not None:
                raise RuntimeError(f"the test RabbitMQ exited while starting; see {self.dir}/log")
            if loop.time() > deadline:
                raise RuntimeError("the test RabbitMQ did not start in time")
            await asyncio.sleep(0.1)  # polling a port: there is no event to await

    def _beam_pid(self) -> Optional[int]:
        try:
            with open(self.pid_file) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    async def stop(self, sig: int = signal.SIGTERM) -> None:
        process = self.process
        if process is None:
            return
        pid = self._beam_pid()
        if pid is not None:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        if sig == signal.SIGKILL:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        await asyncio.get_running_loop().run_in_executor(None, process.wait)
        self.process = None

    async def dispose(self) -> None:
        await self.stop(signal.SIGKILL)
        shutil.rmtree(self.dir, ignore_errors=True)
