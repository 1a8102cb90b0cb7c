import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { EXIT_WITH_PARENT_ENV } from "@taskbridge/worker";

export type ChildOptions = {
  /** The prefix of its output lines, e.g. `gateway` → `[gateway] …`. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Where prefixed lines go (default: stdout). */
  readonly write?: (line: string) => void;
};

export type Child = {
  readonly name: string;
  readonly pid: number | undefined;
  /** Resolves with the exit code (or the signal's name) once the process is gone. */
  readonly exited: Promise<number | string>;
  readonly hasExited: () => boolean;
  /** Resolves with the first output line matching `pattern`; rejects if the child exits first or `timeoutMs` passes. */
  readonly waitForLine: (pattern: RegExp, timeoutMs: number) => Promise<string>;
  /** SIGTERM to its process group, then SIGKILL after `graceMs`; resolves once it exited. */
  readonly stop: (graceMs?: number) => Promise<number | string>;
};

/**
 * `[name] line`, unless the line already starts with that tag (the worker SDK's own `[worker]`
 * lines from the child named `worker`): one tag, never `[worker] [worker] …`.
 */
export const prefixLine = (name: string, line: string): string =>
  line.startsWith(`[${name}] `) ? line : `[${name}] ${line}`;

/**
 * Starts a child in its own process group (`detached`), so that the launcher decides when and
 * in which order each one is stopped, and signalling the group also reaches whatever the child
 * started (npm, bun, python). Every line it prints is echoed with a `[name]` prefix.
 *
 * Its own group also means a signal to the launcher's group no longer reaches it, and nothing
 * tells it when the launcher is SIGKILLed. So each child gets a stdin pipe the launcher never
 * writes to and `TASKBRIDGE_EXIT_WITH_PARENT=1`: the kernel closes the pipe when the launcher
 * dies, however it dies, and the entry points (watchParentExit) shut down when their stdin ends.
 *
 * @example
 * const worker = startChild({ name: "worker", command: "bun", args: ["packages/worker/src/main.ts"], cwd, env });
 * await worker.waitForLine(/worker ready/, 30_000);
 */
export const startChild = ({ name, command, args, cwd, env, write }: ChildOptions): Child => {
  const out = write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const child: ChildProcess = spawn(command, [...args], {
    cwd,
    env: { ...env, [EXIT_WITH_PARENT_ENV]: "1" },
    detached: true,
    stdio: ["pipe", "pipe", "pipe"],
  });
  // Never written to; a child that closes its end must not make the launcher throw EPIPE.
  child.stdin?.on("error", () => {});
  const watchers = new Set<(line: string) => void>();
  // The lines printed so far (bounded), so a wait that starts after its line came still sees it.
  const seen: string[] = [];
  let done = false;
  const exited = new Promise<number | string>((resolve) => {
    child.once("error", (error) => {
      out(`[${name}] could not start ${command}: ${error.message}`);
      done = true;
      resolve(127);
    });
    child.once("exit", (code, signal) => {
      done = true;
      child.stdin?.destroy();
      resolve(code ?? signal ?? 0);
    });
  });
  for (const stream of [child.stdout, child.stderr]) {
    if (stream === null) continue;
    createInterface({ input: stream }).on("line", (line) => {
      out(prefixLine(name, line));
      if (seen.push(line) > 500) seen.shift();
      for (const watcher of watchers) watcher(line);
    });
  }

  const waitForLine = (pattern: RegExp, timeoutMs: number): Promise<string> =>
    new Promise((resolve, reject) => {
      const earlier = seen.find((line) => pattern.test(line));
      if (earlier !== undefined) {
        resolve(earlier);
        return;
      }
      const finish = (outcome: () => void) => {
        clearTimeout(timer);
        watchers.delete(watch);
        outcome();
      };
      const watch = (line: string) => {
        if (pattern.test(line)) finish(() => resolve(line));
      };
      const timer = setTimeout(
        () =>
          finish(() => reject(new Error(`${name}: no "${pattern.source}" within ${timeoutMs} ms`))),
        timeoutMs,
      );
      watchers.add(watch);
      exited.then((code) =>
        finish(() => reject(new Error(`${name} exited (${code}) before it was ready`))),
      );
    });

  const signalGroup = (signal: NodeJS.Signals) => {
    if (done || child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // The group is already gone.
    }
  };

  const stop = async (graceMs = 15_000): Promise<number | string> => {
    signalGroup("SIGTERM");
    const timer = setTimeout(() => {
      out(`[${name}] still running after ${graceMs} ms: SIGKILL`);
      signalGroup("SIGKILL");
    }, graceMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };

  return { name, pid: child.pid, exited, hasExited: () => done, waitForLine, stop };
};
