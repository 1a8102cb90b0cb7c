import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { createInterface } from "node:readline";
import { createGroupReaper } from "./createGroupReaper.js";

/** A TCP port free right now on 127.0.0.1. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });

/** A child process the bench started in its own process group. */
export type BenchProcess = {
  readonly name: string;
  /** The pid of the program itself (bash `exec`s it), whose RSS the memory figure reads. */
  readonly pid: number;
  readonly output: () => string;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves once it exited. */
  readonly stop: (graceMs?: number) => Promise<void>;
};

export type StartOptions = {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** A line on stdout or stderr that says the process is ready. */
  readonly ready: RegExp;
  readonly readyTimeoutMs?: number;
  readonly cwd?: string;
  /** Soft limit on open files to ask for (the memory scenario holds thousands of sockets). */
  readonly openFiles?: number;
};

const running = new Set<ChildProcess>();
// Kills the groups still running if the bench itself is killed (SIGKILL, `timeout`).
const reaper = createGroupReaper();

const killGroup = (child: ChildProcess, signal: NodeJS.Signals): void => {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
};

/**
 * Kills every process group the bench still has running (SIGKILL): the last resort on Ctrl-C,
 * on an uncaught failure and at exit, so no gateway or worker outlives the bench.
 */
export const killAll = (): void => {
  for (const child of running) killGroup(child, "SIGKILL");
  running.clear();
};

/**
 * Starts `command args` under `bash -c "ulimit -n N; exec …"` in a new process group and resolves
 * once it printed a line matching `ready`; rejects with its output if it exits first or stays
 * silent past the timeout (and then kills it).
 *
 * @example
 * const worker = await startProcess({ name: "worker", command: "bun", args: ["packages/worker/src/main.ts"], ready: /worker ready/ });
 * await worker.stop();
 */
export const startProcess = (options: StartOptions): Promise<BenchProcess> => {
  const openFiles = options.openFiles ?? 20_000;
  const child = spawn(
    "bash",
    [
      "-c",
      `ulimit -n ${openFiles} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"`,
      options.command,
      ...options.args,
    ],
    {
      cwd: options.cwd ?? process.cwd(),
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...options.env },
    },
  );
  running.add(child);
  if (child.pid !== undefined) reaper.watch(child.pid);
  const lines: string[] = [];
  const output = (): string => lines.join("\n");
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => {
      running.delete(child);
      if (child.pid !== undefined) reaper.forget(child.pid);
      resolve();
    });
  });
  const stop = async (graceMs = 5_000): Promise<void> => {
    killGroup(child, "SIGTERM");
    const timer = setTimeout(() => killGroup(child, "SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return new Promise<BenchProcess>((resolve, reject) => {
    let done = false;
    const fail = (why: string): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      killGroup(child, "SIGKILL");
      reject(new Error(`${options.name}: ${why}\n${output()}`));
    };
    const timer = setTimeout(
      () => fail(`not ready within ${options.readyTimeoutMs ?? 30_000} ms`),
      options.readyTimeoutMs ?? 30_000,
    );
    child.once("exit", (code, signal) => fail(`exited (${code ?? signal}) before it was ready`));
    child.once("error", (error) => fail(String(error)));
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on("line", (line) => {
        if (lines.length < 500) lines.push(line);
        if (!done && options.ready.test(line)) {
          done = true;
          clearTimeout(timer);
          resolve({ name: options.name, pid: child.pid as number, output, stop });
        }
      });
    }
  });
};

/** Resident set size of a process in bytes (Linux `/proc/<pid>/status`, VmRSS). */
export const readRss = async (pid: number): Promise<number> => {
  const { readFile } = await import("node:fs/promises");
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (match === null) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
};

/** Resolves once `GET <url>/healthz` answers 2xx; rejects after `timeoutMs`. */
export const waitHealthy = async (url: string, timeoutMs: number): Promise<void> => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > until) throw new Error(`${url}/healthz not ready within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};
