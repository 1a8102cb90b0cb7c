import type { Server as HttpServer } from "node:http";
import { EVENTS, type Logger } from "@taskbridge/core/protocol";
import { Server as SocketIoServer } from "socket.io";
import { type Authenticate, authenticateHandshake } from "./authenticateHandshake.js";
import { coalesceSocketWrites } from "./coalesceSocketWrites.js";
import type { GatewayMetrics } from "./createGatewayMetrics.js";
import { type AllowedOrigins, createOriginCheck } from "./createOriginCheck.js";
import type { RequestHub } from "./createRequestHub.js";
import { negotiateProtocol } from "./socketProtocol.js";

export type SocketServerOptions = {
  readonly httpServer: HttpServer;
  /** Where each socket's events go. */
  readonly hub: RequestHub;
  readonly authenticate: Authenticate | undefined;
  readonly allowedOrigins: AllowedOrigins | undefined;
  /** A larger event drops the socket: keep it above the payload limit. */
  readonly maxHttpBufferSize: number;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
};

/**
 * The gateway's Socket.IO side (docs/protocol.md §2.1–§2.2): a server on `httpServer` (namespace
 * `/`, path `/socket.io`, no client bundle) that refuses foreign origins before the handshake,
 * authenticates every handshake (`connect_error` with the error body when refused), records the
 * protocol each socket negotiated (`socket.data.protocol`, see `speaksV11`), and hands
 * each connected socket's `request`, `cancel`, `resume` and disconnect to the hub, in the
 * authenticated session `<principal>:<sessionId>`. Other events are ignored.
 *
 * @example
 * const io = createSocketServer({ httpServer, hub, authenticate, metrics, logger,
 *   allowedOrigins: ["https://app.example.com"], maxHttpBufferSize: 2 * 1024 * 1024 });
 */
export const createSocketServer = (options: SocketServerOptions): SocketIoServer => {
  const { hub, metrics, logger } = options;
  const originAllowed = createOriginCheck(options.allowedOrigins);
  const io = new SocketIoServer(options.httpServer, {
    path: "/socket.io",
    serveClient: false,
    maxHttpBufferSize: options.maxHttpBufferSize,
    allowRequest: (req, callback) => {
      const origin = req.headers.origin;
      const allowed = originAllowed(origin, req.headers.host);
      if (!allowed) logger.debug("refused a handshake from a foreign origin", { origin });
      callback(allowed ? null : "origin not allowed", allowed);
    },
    cors: {
      origin: (origin, callback) =>
        callback(null, originAllowed(origin, undefined) ? origin : false),
      credentials: true,
    },
  });

  // One socket write per socket and turn of the event loop, however many frames it carries.
  io.engine.on("connection", (engineSocket: unknown) => coalesceSocketWrites(engineSocket));

  io.use((socket, next) => {
    authenticateHandshake(
      socket.handshake.auth,
      socket.handshake.headers,
      socket.handshake.address,
      options.authenticate,
    ).then((outcome) => {
      if ("code" in outcome) {
        next(Object.assign(new Error(outcome.message), { data: outcome }));
        return;
      }
      socket.data.session = outcome;
      // Per socket, read with speaksV11 (docs/protocol.md §14.1).
      socket.data.protocol = negotiateProtocol(socket.handshake.auth);
      next();
    }, next);
  });

  io.on("connection", (socket) => {
    const session = hub.connect(socket.data.session);
    metrics.socketConnected();
    socket.on(EVENTS.request, (body: unknown) => hub.request(session, socket, body));
    socket.on(EVENTS.cancel, (body: unknown) => hub.cancel(session, socket, body));
    socket.on(EVENTS.resume, (body: unknown) => hub.resume(session, socket, body));
    socket.on("disconnect", () => {
      metrics.socketDisconnected();
      hub.disconnect(session, socket);
    });
  });

  return io;
};
