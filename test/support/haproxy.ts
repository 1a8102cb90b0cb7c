import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { canConnect } from "./canConnect.js";
import { freePort } from "./startDemoStack.js";

/** One gateway behind the proxy: `name` is also its cookie value (`SERVERID=<name>`). */
export type HaproxyBackend = {
  readonly name: string;
  readonly host?: string;
  readonly port: number;
};

export type HaproxyConfigOptions = {
  /** What the frontend binds: `127.0.0.1:41234` in tests, `*:8080` in deploy/haproxy.cfg. */
  readonly bind: string;
  readonly backends: readonly HaproxyBackend[];
  /**
   * A DNS server to resolve backend host names with, at start and again while running (a
   * restarted container may come back with another address): Docker's is `127.0.0.11:53`.
   * Default: none (addresses are IPs, as in tests).
   */
  readonly dns?: string;
  /**
   * HAProxy's global `maxconn` (each proxied WebSocket holds one client and one server
   * connection, two file descriptors). Default 4096, what deploy/haproxy.cfg ships; the bench's
   * 10,000 idle sockets raise it.
   */
  readonly maxconn?: number;
};

/**
 * The HAProxy configuration in front of taskbridge gateways — the one `startHaproxy` runs in tests
 * and deploy/haproxy.cfg ships (test/support/haproxy.test.ts keeps them equal):
 * - `balance roundrobin` for new browsers, then `cookie SERVERID insert indirect nocache`: every
 *   HTTP request of a Socket.IO session (polling, the WebSocket upgrade, a reconnect's `resume`)
 *   reaches the gateway that holds its requests;
 * - `option redispatch` + `retries 3`: a cookie naming a dead gateway is sent to a live one (the
 *   client's `resume` then finds its requests there only with reply streams, docs/protocol.md §14.3);
 * - health checks on `GET /healthz` (200 only while the gateway is connected to RabbitMQ and
 *   consuming; 503 while draining), so a draining or cut-off gateway gets no new sessions;
 * - `timeout tunnel 1h` for WebSockets, client/server timeouts above Socket.IO's long-poll
 *   (pingInterval 25 s + pingTimeout 20 s).
 *
 * @example
 * haproxyConfig({ bind: "*:8080", backends: [{ name: "gateway-1", host: "gateway-1", port: 8080 }] })
 */
export const haproxyConfig = (options: HaproxyConfigOptions): string =>
  [
    "global",
    "  log stdout format raw local0 info",
    `  maxconn ${options.maxconn ?? 4096}`,
    "",
    ...(options.dns === undefined
      ? []
      : ["resolvers dns", `  nameserver dns ${options.dns}`, "  hold valid 10s", ""]),
    "defaults",
    "  mode http",
    "  log global",
    "  option httplog",
    "  option dontlognull",
    "  option forwardfor",
    "  option redispatch",
    "  retries 3",
    "  timeout connect 5s",
    "  timeout client 60s",
    "  timeout server 60s",
    "  timeout tunnel 1h",
    "  timeout client-fin 10s",
    "  timeout http-request 10s",
    "  timeout http-keep-alive 10s",
    "",
    "frontend taskbridge",
    `  bind ${options.bind}`,
    "  default_backend gateways",
    "",
    "backend gateways",
    "  balance roundrobin",
    "  cookie SERVERID insert indirect nocache",
    "  option httpchk",
    "  http-check send meth GET uri /healthz",
    "  http-check expect status 200",
    options.dns === undefined
      ? "  default-server check inter 2s fall 2 rise 2"
      : "  default-server check inter 2s fall 2 rise 2 resolvers dns init-addr last,libc,none",
    ...options.backends.map(
      (backend) =>
        `  server ${backend.name} ${backend.host ?? "127.0.0.1"}:${backend.port} cookie ${backend.name}`,
    ),
    "",
  ].join("\n");

/** A running HAProxy; see `startHaproxy`. */
export type Haproxy = {
  /** `http://127.0.0.1:<port>`: what clients connect to. */
  readonly url: string;
  readonly port: number;
  /** The configuration it runs. */
  readonly config: string;
  /** Its log (one line per HTTP request, server state changes), for failure messages. */
  readonly output: () => string;
  /** Stops it (SIGTERM: a hard stop) and deletes its folder. Safe to call twice. */
  readonly dispose: () => Promise<void>;
};

export type HaproxyOptions = {
  readonly backends: readonly HaproxyBackend[];
  /** Default: a free port on 127.0.0.1. */
  readonly port?: number;
  /** Default: Debian's `/usr/sbin/haproxy` (apt-get install haproxy). */
  readonly binary?: string;
  /** Default 15 s. */
  readonly startTimeoutMs?: number;
  /** HAProxy's global `maxconn` (`haproxyConfig`). Default 4096. */
  readonly maxconn?: number;
};

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once("exit", () => resolve()));

/**
 * Writes `haproxyConfig` for `backends` to a temp folder and runs HAProxy in the foreground
 * (`haproxy -db -f …`) on a free port of 127.0.0.1; resolves once it accepts connections. A
 * config HAProxy refuses rejects with its output. No Jest in here: a standalone script can use it.
 *
 * @example
 * const proxy = await startHaproxy({ backends: [{ name: "gw-1", port: 8081 }, { name: "gw-2", port: 8082 }] });
 * const socket = io(proxy.url, { withCredentials: true }); // Node keeps the SERVERID cookie
 * await proxy.dispose();
 */
export const startHaproxy = async (options: HaproxyOptions): Promise<Haproxy> => {
  const binary = options.binary ?? "/usr/sbin/haproxy";
  const startTimeoutMs = options.startTimeoutMs ?? 15_000;
  const port = options.port ?? (await freePort());
  const config = haproxyConfig({
    bind: `127.0.0.1:${port}`,
    backends: options.backends,
    maxconn: options.maxconn,
  });
  const dir = mkdtempSync(join(tmpdir(), "tb-haproxy-"));
  const configPath = join(dir, "haproxy.cfg");
  writeFileSync(configPath, config);
  let output = "";
  const child = spawn(binary, ["-db", "-f", configPath], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (data: Buffer) => {
    output += data.toString("utf8");
  });
  child.stderr?.on("data", (data: Buffer) => {
    output += data.toString("utf8");
  });
  let disposed = false;
  const dispose = async (): Promise<void> => {
    if (disposed) return;
    disposed = true;
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited(child);
    rmSync(dir, { recursive: true, force: true });
  };
  const failed = new Promise<never>((_, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) =>
      reject(new Error(`haproxy exited (code ${code}, signal ${signal}):\n${output}`)),
    );
  });
  failed.catch(() => {});
  try {
    const deadline = Date.now() + startTimeoutMs;
    while (!(await Promise.race([canConnect(port), failed]))) {
      if (Date.now() > deadline) {
        throw new Error(`haproxy did not listen within ${startTimeoutMs} ms:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } catch (error) {
    await dispose();
    throw error;
  }
  return { url: `http://127.0.0.1:${port}`, port, config, output: () => output, dispose };
};
