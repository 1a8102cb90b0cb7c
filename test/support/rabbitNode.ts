import { type ChildProcess, execFile, spawn } from "node:child_process";
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { randomId } from "@taskbridge/core/protocol";
import { canConnect } from "./canConnect.js";

/** A throwaway RabbitMQ node for fault tests: its own name, ports, data, logs and cookie. */
export type RabbitNode = {
  readonly nodeName: string;
  readonly port: number;
  readonly url: string;
  /** The node's own folder (mnesia, logs, config, `home` with its Erlang cookie). */
  readonly dir: string;
  /**
   * Runs `rabbitmqctl -n <nodeName> …args` with the node's environment (its cookie, its env
   * file), so the CLI reaches this node and no other; resolves with stdout, rejects with the
   * CLI's output when it exits non-zero.
   */
  readonly ctl: (args: readonly string[], timeoutMs?: number) => Promise<string>;
  /** Starts the node and resolves once it accepts AMQP connections. */
  readonly start: () => Promise<void>;
  /** Graceful stop (SIGTERM to the Erlang VM); resolves when it exited. */
  readonly stop: () => Promise<void>;
  /** SIGKILL of the Erlang VM: a crash, connections drop without a close handshake. */
  readonly kill: () => Promise<void>;
  readonly restart: () => Promise<void>;
  /** Kills what still runs and deletes the node's folder. */
  readonly dispose: () => Promise<void>;
};

export type RabbitNodeOptions = {
  readonly serverScript?: string;
  readonly startTimeoutMs?: number;
  /** The Erlang cookie (written to the node's `home/.erlang.cookie`); nodes of one cluster share it. Default: the node makes its own. */
  readonly cookie?: string;
  /** The node name's prefix: `<prefix>-<random>@localhost`. Default `tb-test`. */
  readonly namePrefix?: string;
};

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once("exit", () => resolve()));

/**
 * Creates (does not start) a throwaway RabbitMQ node: node name `tb-test-<random>@localhost`,
 * free AMQP and distribution ports, its own mnesia, log, config, cookie (`HOME`) and an empty
 * plugin list under a temp folder, so it boots fast and never touches the shared node
 * (`rabbit@localhost` on 5672). Data survives `kill`/`restart` (durable queues come back).
 *
 * @example
 * const node = await createRabbitNode();
 * await node.start(); // ~7 s on a loaded 2-core machine
 * await node.kill(); await node.start();
 * await node.dispose();
 */
export const createRabbitNode = async (options: RabbitNodeOptions = {}): Promise<RabbitNode> => {
  const script = options.serverScript ?? "/usr/lib/rabbitmq/bin/rabbitmq-server";
  const ctlScript = join(dirname(script), "rabbitmqctl");
  const startTimeoutMs = options.startTimeoutMs ?? 90_000;
  const dir = mkdtempSync(join(tmpdir(), "tb-rabbit-"));
  const port = await freePort();
  const distPort = await freePort();
  const nodeName = `${options.namePrefix ?? "tb-test"}-${randomId(8)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "x")}@localhost`;
  for (const sub of ["mnesia", "log", "home"]) mkdirSync(join(dir, sub));
  writeFileSync(join(dir, "enabled_plugins"), "[].\n");
  writeFileSync(join(dir, "rabbitmq.conf"), `listeners.tcp.default = ${port}\n`);
  writeFileSync(join(dir, "rabbitmq-env.conf"), "");
  if (options.cookie !== undefined) {
    writeFileSync(join(dir, "home", ".erlang.cookie"), options.cookie, { mode: 0o400 });
  }
  const pidFile = join(dir, "rabbit.pid");

  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith("RABBITMQ_")),
  );
  const env = {
    ...inherited,
    HOME: join(dir, "home"),
    RABBITMQ_CONF_ENV_FILE: join(dir, "rabbitmq-env.conf"),
    RABBITMQ_NODENAME: nodeName,
    RABBITMQ_NODE_IP_ADDRESS: "127.0.0.1",
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(dir, "mnesia"),
    RABBITMQ_LOG_BASE: join(dir, "log"),
    RABBITMQ_CONFIG_FILE: join(dir, "rabbitmq.conf"),
    RABBITMQ_ADVANCED_CONFIG_FILE: join(dir, "advanced.config"),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, "enabled_plugins"),
    RABBITMQ_PLUGINS_EXPAND_DIR: join(dir, "plugins-expand"),
    RABBITMQ_PID_FILE: pidFile,
    ERL_EPMD_ADDRESS: "127.0.0.1",
  };
  let child: ChildProcess | undefined;

  const beamPid = (): number | undefined => {
    try {
      const pid = Number(readFileSync(pidFile, "utf8").trim());
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  };

  const signal = (name: NodeJS.Signals): void => {
    const pid = beamPid();
    if (pid !== undefined) {
      try {
        process.kill(pid, name);
      } catch {
        // already gone
      }
    }
    if (name === "SIGKILL" && child?.pid !== undefined) {
      try {
        process.kill(-child.pid, "SIGKILL"); // the wrapper shell's process group
      } catch {
        // already gone
      }
    }
  };

  const start = async (): Promise<void> => {
    if (child !== undefined) throw new Error(`${nodeName} is already running`);
    rmSync(pidFile, { force: true });
    const out = openSync(join(dir, "log", "console.log"), "a");
    const started = spawn(script, [], { env, detached: true, stdio: ["ignore", out, out] });
    closeSync(out);
    child = started;
    started.once("exit", () => {
      if (child === started) child = undefined;
    });
    const deadline = Date.now() + startTimeoutMs;
    while (!(await canConnect(port))) {
      if (child !== started) {
        throw new Error(`${nodeName} exited while starting; see ${join(dir, "log")}`);
      }
      if (Date.now() > deadline) {
        signal("SIGKILL");
        throw new Error(`${nodeName} did not start within ${startTimeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  const halt = async (name: NodeJS.Signals): Promise<void> => {
    const running = child;
    if (running === undefined) return;
    signal(name);
    await exited(running);
    child = undefined;
  };

  const ctl = (args: readonly string[], timeoutMs = 60_000): Promise<string> =>
    new Promise((resolve, reject) => {
      execFile(
        ctlScript,
        ["-n", nodeName, ...args],
        { env, timeout: timeoutMs },
        (error, stdout, stderr) => {
          if (error === null) resolve(stdout);
          else
            reject(
              new Error(
                `rabbitmqctl ${args.join(" ")} on ${nodeName}: ${error.message}\n${stdout}${stderr}`,
              ),
            );
        },
      );
    });

  return {
    nodeName,
    port,
    url: `amqp://guest:guest@127.0.0.1:${port}`,
    dir,
    ctl,
    start,
    stop: () => halt("SIGTERM"),
    kill: () => halt("SIGKILL"),
    restart: async () => {
      await halt("SIGTERM");
      await start();
    },
    dispose: async () => {
      await halt("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
