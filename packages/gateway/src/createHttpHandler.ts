import type { IncomingMessage, ServerResponse } from "node:http";
import type { Registry } from "prom-client";

export type HttpHandlerOptions = {
  /** True once the gateway is connected to the broker and has declared what it consumes. */
  readonly isReady: () => boolean;
  readonly registry: Registry;
  /** Answer other paths with 404 (true when the gateway created the server itself). */
  readonly notFound: boolean;
};

/**
 * The gateway's plain HTTP routes, on the Socket.IO port: `GET /healthz` → 200
 * `{"status":"ok"}` when ready, 503 `{"status":"unavailable"}` before and while the broker is
 * unreachable (docs/protocol.md §9); `GET /metrics` → the Prometheus text exposition of the gateway's
 * own registry. Socket.IO's own path never reaches this handler.
 */
export const createHttpHandler =
  ({ isReady, registry, notFound }: HttpHandlerOptions) =>
  (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? "/").split("?", 1)[0];
    if (path === "/healthz" && (req.method === "GET" || req.method === "HEAD")) {
      const ready = isReady();
      res.writeHead(ready ? 200 : 503, {
        "content-type": "application/json",
        "cache-control": "no-store",
      });
      res.end(JSON.stringify({ status: ready ? "ok" : "unavailable" }));
      return;
    }
    if (path === "/metrics" && req.method === "GET") {
      registry.metrics().then(
        (text) => {
          res.writeHead(200, { "content-type": registry.contentType });
          res.end(text);
        },
        () => {
          res.writeHead(500, { "content-type": "text/plain" });
          res.end("metrics unavailable\n");
        },
      );
      return;
    }
    if (notFound && !path?.startsWith("/socket.io")) {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found\n");
    }
  };
