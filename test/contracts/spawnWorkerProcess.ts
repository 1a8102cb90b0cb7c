import { type ChildProcess, spawn } from "node:child_process";

export type WorkerProcessOptions = {
  readonly command: string;
  readonly args?: readonly string[];
  /** Added to the test's own environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** The line that says the worker consumes; default `worker ready`. */
  readonly readyPattern?: RegExp;
  readonly cwd?: string;
};

export type WorkerProcess = {
  readonly child: ChildProcess;
  /** Resolves on the ready line; rejects if the process exits first. */
  readonly ready: Promise<void>;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  readonly exited: Promise<{
    readonly code: number | null;
    readonly signal: NodeJS.Signals | null;
  }>;
  /** Everything the process wrote so far, stdout and stderr interleaved. */
  readonly output: () => string;
  /** Sends SIGTERM (or `signal`) and awaits the exit. */
  readonly stop: (
    signal?: NodeJS.Signals,
  ) => Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

/**
 * Starts a worker process (`bun packages/worker/src/main.ts`, `node --import tsx packages/worker/src/main.ts`, the Python
 * worker …) for process-level tests, and tells when it is ready by its ready line. The process
 * gets its own process group, so a stop reaches it and not npm or a shell in between.
 *
 * @example
 * const worker = spawnWorkerProcess({ command: "node_modules/.bin/bun", args: ["packages/worker/src/main.ts"] });
 * await worker.ready;
 * await worker.stop(); // SIGTERM, graceful, exit code 0
 */
export const spawnWorkerProcess = (options: WorkerProcessOptions): WorkerProcess => {
  const child = spawn(options.command, [...(options.args ?? [])], {
    cwd: options.cwd ?? process.cwd(),
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const readyPattern = options.readyPattern ?? /worker ready/;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (data: Buffer) => {
      output += data.toString("utf8");
      if (readyPattern.test(output)) resolve();
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("error", reject);
    exited.then(({ code, signal }) =>
      reject(new Error(`worker exited before ready (code ${code}, signal ${signal}):\n${output}`)),
    );
  });
  ready.catch(() => {});
  return {
    child,
    ready,
    exited,
    output: () => output,
    stop: async (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
};

/** A program and its arguments. */
export type WorkerCommand = { readonly command: string; readonly args: readonly string[] };

/** `bun packages/worker/src/main.ts`, the TypeScript worker as `npm run worker` starts it. */
export const bunWorkerCommand: WorkerCommand = {
  command: "node_modules/.bin/bun",
  args: ["packages/worker/src/main.ts"],
};

/** `node --import tsx packages/worker/src/main.ts`: the same worker under Node. */
export const nodeWorkerCommand: WorkerCommand = {
  command: process.execPath,
  args: ["--import", "tsx", "packages/worker/src/main.ts"],
};
