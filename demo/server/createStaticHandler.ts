import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { DEMO_CONFIG_PATH, type DemoConfig } from "../demoConfig.js";

export type StaticHandlerOptions = {
  /** The folder `vite build` wrote (demo/dist). */
  readonly root: string;
  readonly config: DemoConfig;
};

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".map": "application/json",
};

/** The URL's path, decoded; a malformed escape is kept as it is (and then matches no file). */
const decodePath = (url: string | undefined): string => {
  const raw = (url ?? "/").split("?", 1)[0] || "/";
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
};

/** Paths the gateway answers itself on the same server (docs/protocol.md §9). */
const GATEWAY_PATHS = ["/socket.io", "/healthz", "/metrics"];

/**
 * An HTTP `request` listener that serves the built demo beside the gateway on one port, so the
 * page and its socket share an origin (no CORS, the gateway's default origin check passes):
 * `GET /demo-config.json` → the `DemoConfig`, any other `GET` → a file under `root` (unknown
 * paths get `index.html`), hashed assets cached for a year. It leaves the gateway's own paths
 * alone. Register it before `createGateway` attaches Socket.IO, which then keeps it for every
 * path that is not its own.
 *
 * @example
 * const server = createServer();
 * server.on("request", createStaticHandler({ root: "demo/dist", config }));
 * await createGateway({ broker, httpServer: server });
 */
export const createStaticHandler =
  ({ root, config }: StaticHandlerOptions) =>
  (req: IncomingMessage, res: ServerResponse): void => {
    const path = decodePath(req.url);
    if (GATEWAY_PATHS.some((p) => path === p || path.startsWith(`${p}/`))) return;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    if (path === DEMO_CONFIG_PATH) {
      res.writeHead(200, { "content-type": TYPES[".json"], "cache-control": "no-store" });
      res.end(JSON.stringify(config));
      return;
    }
    const file = normalize(join(root, path === "/" ? "index.html" : path));
    const inside = file.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
    const send = (name: string, body: Buffer) => {
      const immutable = name.includes(`${sep}assets${sep}`);
      res.writeHead(200, {
        "content-type": TYPES[extname(name)] ?? "application/octet-stream",
        "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
      });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    const index = join(root, "index.html");
    readFile(inside ? file : index)
      .then((body) => send(inside ? file : index, body))
      .catch(() => readFile(index).then((body) => send(index, body)))
      .catch(() => {
        res.writeHead(503, { "content-type": "text/plain; charset=utf-8" });
        res.end("The demo is not built: run `npm start` (or `npx vite build demo`).\n");
      });
  };
