import { type ChildProcess, spawn } from "node:child_process";
import { randomId } from "@taskbridge/core/protocol";
import { freePort } from "./startDemoStack.js";

/** How a process ended: its exit code (null when a signal killed it) and that signal. */
export type ProcessExit = { readonly code: number | null; readonly signal: NodeJS.Signals | null };

/** One process of the live stack (the gateway or a worker), in its own process group. */
export type LiveProcess = {
  /** `gateway#1`, `worker#2` …: the label its lines carry in `LiveStack.output()`. */
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves on its ready line; rejects with its output if it exits or stalls first. */
  readonly ready: Promise<void>;
  readonly exited: Promise<ProcessExit>;
  readonly running: () => boolean;
  /** Everything it wrote so far, stdout and stderr interleaved. */
  readonly output: () => string;
  /** Sends `signal` to its process group; a no-op once it exited. */
  readonly signal: (signal: NodeJS.Signals) => void;
  /** Signals its process group (SIGTERM by default) and resolves once it exited. */
  readonly stop: (signal?: NodeJS.Signals) => Promise<ProcessExit>;
};

export type LiveStackOptions = {
  /** The RabbitMQ every process uses (a throwaway node's `url` in fault tests). */
  readonly amqpUrl: string;
  /** How many workers to start with the gateway. Default 1. */
  readonly workers?: number;
  /** How long a process may take to print its ready line. Default 60 s (a loaded 2-core box). */
  readonly readyTimeoutMs?: number;
  /** Added to the gateway's environment (e.g. TASKBRIDGE_LOG_LEVEL). */
  readonly gatewayEnv?: Readonly<Record<string, string>>;
  /** Added to every worker's environment (e.g. TASKBRIDGE_QUEUE_PREFIX). */
  readonly workerEnv?: Readonly<Record<string, string>>;
};

/** A gateway child process and worker child processes on one RabbitMQ, as `npm run` starts them. */
export type LiveStack = {
  /** `http://127.0.0.1:<port>`: the gateway's Socket.IO and `/healthz`. */
  readonly url: string;
  readonly port: number;
  readonly gatewayId: string;
  /** The gateway process started last. */
  readonly gateway: () => LiveProcess;
  /** Every worker started so far, the stopped ones included, in start order. */
  readonly workers: () => readonly LiveProcess[];
  /** Starts one more worker and resolves once it is ready. */
  readonly startWorker: () => Promise<LiveProcess>;
  /**
   * Starts a new gateway process with the same id and port (the previous one must have exited)
   * and resolves once it listens: a gateway restart as docs/protocol.md §2 describes it.
   */
  readonly startGateway: () => Promise<LiveProcess>;
  /** Every process's output so far, each line labelled: for failure messages. */
  readonly output: () => string;
  /**
   * SIGTERM to every process still running (SIGKILL to those not gone within `graceMs`,
   * default 15 s); resolves once all exited. Safe to call twice.
   */
  readonly stop: (graceMs?: number) => Promise<void>;
};

const BUN = "node_modules/.bin/bun";
// Jest runs from the repository root.
const root = process.cwd();

/**
 * Spawns `bun <script>` (or `<runner> <script>`, e.g. `/usr/bin/python3`) in its own process
 * group (so a signal reaches it and nothing between) and watches its output for `readyPattern`.
 * `ready` rejects with the output when the process exits first or stays silent past
 * `readyTimeoutMs`.
 *
 * @example
 * const worker = spawnLiveProcess("worker#1", "packages/worker/src/main.ts", { AMQP_URL }, /worker ready/, 60_000);
 * await worker.ready;
 * await worker.stop(); // { code: 0, signal: null }
 */
export const spawnLiveProcess = (
  name: string,
  script: string,
  env: Readonly<Record<string, string>>,
  readyPattern: RegExp,
  readyTimeoutMs: number,
  runner: string = BUN,
): LiveProcess => {
  const child = spawn(runner, [script], {
    cwd: root,
    detached: true,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let gone = false;
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once("exit", (code, signal) => {
      gone = true;
      resolve({ code, signal });
    });
  });
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${name} printed no ready line within ${readyTimeoutMs} ms:\n${output}`));
    }, readyTimeoutMs);
    const onData = (data: Buffer) => {
      output += data.toString("utf8");
      if (readyPattern.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before ready (code ${code}, signal ${signal}):\n${output}`));
    });
  });
  ready.catch(() => {});
  const signal = (which: NodeJS.Signals): void => {
    if (gone || child.pid === undefined) return;
    try {
      process.kill(-child.pid, which);
    } catch {
      // Already gone.
    }
  };
  return {
    name,
    child,
    ready,
    exited,
    running: () => !gone,
    output: () => output,
    signal,
    stop: (which = "SIGTERM") => {
      signal(which);
      return exited;
    },
  };
};

/**
 * Starts the live stack the way production runs it: `bun packages/gateway/src/main.ts` on a free port with a
 * unique `TASKBRIDGE_GATEWAY_ID`, and `workers` × `bun packages/worker/src/main.ts`, all on `amqpUrl`;
 * resolves once the gateway printed "gateway listening on …" and every worker "worker ready: …".
 * If any of them fails to start, everything started is stopped and the error carries the output.
 *
 * @example
 * const node = await createRabbitNode(); await node.start();
 * const stack = await startLiveStack({ amqpUrl: node.url, workers: 2 });
 * const transport = createSocketIoTransport({ url: stack.url });
 * // … SIGTERM the gateway, stack.startGateway() …
 * await transport.close(); await stack.stop(); await node.dispose();
 */
export const startLiveStack = async (options: LiveStackOptions): Promise<LiveStack> => {
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const port = await freePort();
  const gatewayId = `t-live-${randomId(8)}`;
  const url = `http://127.0.0.1:${port}`;
  const gateways: LiveProcess[] = [];
  const workers: LiveProcess[] = [];

  const startGateway = async (): Promise<LiveProcess> => {
    const previous = gateways[gateways.length - 1];
    if (previous?.running()) throw new Error(`${previous.name} is still running`);
    const gateway = spawnLiveProcess(
      `gateway#${gateways.length + 1}`,
      "packages/gateway/src/main.ts",
      {
        AMQP_URL: options.amqpUrl,
        PORT: String(port),
        HOST: "127.0.0.1",
        TASKBRIDGE_GATEWAY_ID: gatewayId,
        ...options.gatewayEnv,
      },
      /gateway listening on /,
      readyTimeoutMs,
    );
    gateways.push(gateway);
    await gateway.ready;
    return gateway;
  };

  const startWorker = async (): Promise<LiveProcess> => {
    const worker = spawnLiveProcess(
      `worker#${workers.length + 1}`,
      "packages/worker/src/main.ts",
      { AMQP_URL: options.amqpUrl, ...options.workerEnv },
      /worker ready: /,
      readyTimeoutMs,
    );
    workers.push(worker);
    await worker.ready;
    return worker;
  };

  const output = (): string =>
    [...gateways, ...workers]
      .map((proc) =>
        proc
          .output()
          .split("\n")
          .filter((line) => line.length > 0)
          .map((line) => `[${proc.name}] ${line}`)
          .join("\n"),
      )
      .join("\n");

  const stop = async (graceMs = 15_000): Promise<void> => {
    const running = [...gateways, ...workers].filter((proc) => proc.running());
    for (const proc of running) proc.signal("SIGTERM");
    const timer = setTimeout(() => {
      for (const proc of running) proc.signal("SIGKILL");
    }, graceMs);
    await Promise.all(running.map((proc) => proc.exited));
    clearTimeout(timer);
  };

  try {
    await Promise.all([
      startGateway(),
      ...Array.from({ length: options.workers ?? 1 }, () => startWorker()),
    ]);
  } catch (error) {
    await stop(0);
    throw error;
  }
  return {
    url,
    port,
    gatewayId,
    gateway: () => gateways[gateways.length - 1] as LiveProcess,
    workers: () => workers,
    startWorker,
    startGateway,
    output,
    stop,
  };
};
