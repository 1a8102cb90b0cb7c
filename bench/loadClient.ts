import { randomBytes } from "node:crypto";
import { io, type Socket } from "socket.io-client";

/**
 * One reply frame as the baseline, NestJS and taskbridge send it (docs/protocol.md §2); a 1.1
 * `chunks` frame (§14.2) reaches callers expanded into `chunk` frames.
 */
export type Frame = {
  readonly id: string;
  readonly seq: number;
  readonly kind: string;
  readonly data?: unknown;
  readonly error?: { readonly code: string; readonly message: string };
};

/** A connected load-generator socket that can run requests and wait for their terminal frame. */
export type LoadSocket = {
  /** Sends `request` and resolves with the terminal frame; `onFrame` sees every frame before it. */
  readonly call: (
    type: string,
    payload: unknown,
    onFrame?: (frame: Frame) => void,
  ) => Promise<Frame>;
  readonly close: () => void;
};

type Pending = {
  readonly resolve: (frame: Frame) => void;
  readonly onFrame: ((frame: Frame) => void) | undefined;
};

/**
 * Connects one socket.io-client socket over the websocket transport only (no polling upgrade),
 * with its own random session id, as a browser tab would; rejects on `connect_error` or after
 * `timeoutMs`. It asks for protocol 1.1 (docs/protocol.md §14.1; the baseline, NestJS and a v1
 * gateway ignore it) and expands a `chunks` frame into `chunk` frames with consecutive seqs
 * (§14.2). Frames are matched to requests by id; `accepted`, `chunk` and `progress` frames go to
 * the caller's `onFrame`.
 *
 * @example
 * const socket = await connectLoadSocket("http://127.0.0.1:8080");
 * const frame = await socket.call("demo.echo", { hello: "world" }); // { kind: "result", data: … }
 */
export const connectLoadSocket = (url: string, timeoutMs = 20_000): Promise<LoadSocket> => {
  const socket: Socket = io(url, {
    transports: ["websocket"],
    auth: { sessionId: randomBytes(16).toString("base64url"), protocol: "1.1" },
    forceNew: true,
    reconnection: false,
    timeout: timeoutMs,
  });
  const pending = new Map<string, Pending>();
  let next = 0;
  socket.on("reply", (frame: Frame) => {
    const waiter = pending.get(frame.id);
    if (waiter === undefined) return;
    if (frame.kind === "chunks" && Array.isArray(frame.data)) {
      const items: readonly unknown[] = frame.data;
      for (let k = 0; k < items.length; k += 1) {
        waiter.onFrame?.({ id: frame.id, seq: frame.seq + k, kind: "chunk", data: items[k] });
      }
      return;
    }
    waiter.onFrame?.(frame);
    if (frame.kind === "result" || frame.kind === "error") {
      pending.delete(frame.id);
      waiter.resolve(frame);
    }
  });
  const call = (type: string, payload: unknown, onFrame?: (frame: Frame) => void) =>
    new Promise<Frame>((resolve) => {
      next += 1;
      const id = `r${next}`;
      pending.set(id, { resolve, onFrame });
      socket.emit("request", { v: 1, id, type, payload });
    });
  return new Promise<LoadSocket>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`no connection to ${url} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve({ call, close: () => socket.close() });
    });
    socket.once("connect_error", (error) => {
      clearTimeout(timer);
      socket.close();
      reject(error);
    });
  });
};

/** Opens `count` sockets, `batch` handshakes at a time (a thundering herd measures the herd). */
export const connectMany = async (
  url: string,
  count: number,
  batch = 250,
): Promise<LoadSocket[]> => {
  const sockets: LoadSocket[] = [];
  try {
    for (let start = 0; start < count; start += batch) {
      const size = Math.min(batch, count - start);
      const opened = await Promise.all(Array.from({ length: size }, () => connectLoadSocket(url)));
      sockets.push(...opened);
    }
  } catch (error) {
    for (const socket of sockets) socket.close();
    throw error;
  }
  return sockets;
};
