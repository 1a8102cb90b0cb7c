import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

export type DemoStack = {
  /** The launcher's pid (also its process group's id). */
  readonly pid: number | undefined;
  /** The URL the launcher printed after "Open". */
  readonly url: string;
  /** Everything the launcher printed so far (its children's lines prefixed). */
  readonly output: () => string;
  /** SIGTERM to the launcher's process group; resolves with its exit code once it is gone. */
  readonly stop: () => Promise<number | null>;
};

export type DemoStackOptions = {
  readonly amqpUrl: string;
  /** Queue prefix (and gateway id), unique per run on a shared RabbitMQ. */
  readonly prefix: string;
  readonly readyTimeoutMs?: number;
};

// Jest runs from the repository root.
const root = process.cwd();

/** A TCP port free right now on 127.0.0.1. */
export const freePort = (): Promise<number> =>
  new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });

/**
 * Starts what `npm start` starts (`node --import tsx demo/start.ts`, in its own process group)
 * on a free port with a unique queue prefix and gateway id and a private build folder, and
 * resolves once it printed the URL to open. Rejects with its output if it exits first.
 */
export const startDemoStack = async ({
  amqpUrl,
  prefix,
  readyTimeoutMs = 120_000,
}: DemoStackOptions): Promise<DemoStack> => {
  const port = await freePort();
  const dist = mkdtempSync(join(tmpdir(), "taskbridge-demo-dist-"));
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "demo/start.ts"], {
    cwd: root,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      PORT: String(port),
      AMQP_URL: amqpUrl,
      TASKBRIDGE_QUEUE_PREFIX: prefix,
      TASKBRIDGE_GATEWAY_ID: `${prefix}gw`,
      TASKBRIDGE_DEMO_DIST: dist,
    },
  });
  const lines: string[] = [];
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  let gone = false;
  void exited.then(() => {
    gone = true;
    rmSync(dist, { recursive: true, force: true });
  });
  const url = new Promise<string>((found, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`no URL within ${readyTimeoutMs} ms:\n${lines.join("\n")}`)),
      readyTimeoutMs,
    );
    for (const stream of [child.stdout, child.stderr]) {
      if (stream === null) continue;
      createInterface({ input: stream }).on("line", (line) => {
        lines.push(line);
        const match = /^\s*Open (http\S+)/.exec(line);
        if (match?.[1] !== undefined) {
          clearTimeout(timer);
          found(match[1]);
        }
      });
    }
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`demo launcher exited (${code}) before it was ready:\n${lines.join("\n")}`));
    });
  });
  const stop = async (): Promise<number | null> => {
    if (!gone && child.pid !== undefined) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // Already gone.
      }
    }
    return exited;
  };
  try {
    return { pid: child.pid, url: await url, output: () => lines.join("\n"), stop };
  } catch (error) {
    await stop();
    throw error;
  }
};
