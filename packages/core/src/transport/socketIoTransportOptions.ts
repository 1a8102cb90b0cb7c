import type { ManagerOptions, Socket, SocketOptions } from "socket.io-client";

import type { Logger } from "../protocol/logger.js";
import type { Timers } from "../protocol/timers.js";

/** socket.io-client's `io(url, options)`, or anything shaped like it (a test double, a wrapper). */
export type SocketIoFactory = (
  url: string | undefined,
  options: Partial<ManagerOptions & SocketOptions>,
) => Socket;

/** A credential, or a function asked for a fresh one on every (re)connect. */
export type TokenSource = string | (() => string | undefined | Promise<string | undefined>);

export type SocketIoTransportOptions = {
  /** The gateway's origin, e.g. `http://localhost:8080`. Default: the page's own origin. */
  readonly url?: string;
  /** The Socket.IO path. Default `/socket.io` (docs/protocol.md §2). */
  readonly path?: string;
  /**
   * A socket made by the caller (create it with `autoConnect: false`). The transport sets its
   * `auth` and connects it; `url`, `path`, `io` and `socketOptions` are then ignored.
   */
  readonly socket?: Socket;
  /** The factory used to make the socket. Default: socket.io-client's `io`. */
  readonly io?: SocketIoFactory;
  /** Passed to `io()`: `transports`, `reconnectionDelay`, `reconnectionAttempts`, … */
  readonly socketOptions?: Partial<ManagerOptions & SocketOptions>;
  /** The session id sent on every handshake. Default: `createSessionId()`, once per transport. */
  readonly sessionId?: string;
  /** The credential for the gateway's `authenticate` hook. */
  readonly token?: TokenSource;
  /** The client-side wait of a request sent without `timeoutMs`. Default 10 minutes. */
  readonly defaultTimeoutMs?: number;
  /**
   * How long past a request's deadline the transport waits for the gateway's own `TIMEOUT`
   * before it ends the request locally. Default 1000 ms.
   */
  readonly timeoutGraceMs?: number;
  /** How long `close()` waits for the gateway to answer its cancels. Default 1000 ms. */
  readonly closeTimeoutMs?: number;
  readonly now?: () => number;
  /** Client-side deadlines and handshake retries. Default `realTimers`. */
  readonly timers?: Pick<Timers, "setTimeout" | "clearTimeout">;
  /** Where the transport reports what it dropped or could not handle. */
  readonly logger?: Logger;
};

/** Ends requests whose client wait ran out this long after their deadline (see `timeoutGraceMs`). */
export const DEFAULT_TIMEOUT_GRACE_MS = 1000;

/** `close()` waits at most this long for the gateway to take in its cancels. */
export const DEFAULT_CLOSE_TIMEOUT_MS = 1000;

/** Debug output is dropped; warnings and errors go to the console. */
export const defaultTransportLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: (message, fields) => console.warn(`[taskbridge] ${message}`, fields ?? ""),
  error: (message, fields) => console.error(`[taskbridge] ${message}`, fields ?? ""),
};
