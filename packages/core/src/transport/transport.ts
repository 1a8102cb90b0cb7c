import type { ReplyFrame } from "../protocol/index.js";

/** Where a transport's link to its server stands. The memory transport is always `connected`. */
export type ConnectionState =
  | "connecting"
  | "connected"
  | "reconnecting"
  | "disconnected"
  | "closed";

/** One request as a transport sends it. `id` is chosen by the caller (see `createRequestId`). */
export type TransportRequest = {
  readonly id: string;
  readonly type: string;
  readonly payload: unknown;
  readonly timeoutMs?: number;
};

export type FrameListener = (frame: ReplyFrame) => void;

/**
 * The one seam between the client kit and whatever runs requests: a plain object of functions.
 * `send` delivers every frame of the request to `onFrame`, `accepted` first (unless refused),
 * and exactly one terminal frame last; after it `onFrame` is never called again.
 * Swap the in-memory transport for the Socket.IO one and nothing above it changes.
 */
export type Transport = {
  readonly send: (request: TransportRequest, onFrame: FrameListener) => void;
  /** Cancels a request in flight: it ends with `error` `CANCELLED`. Unknown ids are ignored. */
  readonly cancel: (id: string) => void;
  readonly getConnectionState: () => ConnectionState;
  /** Calls `listener` on every change of connection state; returns the unsubscribe function. */
  readonly subscribeConnectionState: (listener: (state: ConnectionState) => void) => () => void;
  /** Ends every request in flight (`error` `CANCELLED`) and releases the transport. */
  readonly close: () => Promise<void>;
};
