import {
  createRequestId,
  isTerminalFrame,
  type Logger,
  type ReplyFrame,
} from "@taskbridge/core/protocol";
import { createSocketIoTransport, type SocketIoTransport } from "@taskbridge/core/socket-io";
import { io } from "socket.io-client";
import { keepCookies } from "../support/keepCookies.js";
import type { WireReply } from "./judgeWireSeqs.js";

/** One browser-like client behind the load balancer with one `demo.count` request in flight. */
export type StreamingClient = {
  readonly index: number;
  readonly requestId: string;
  /** Every frame the transport handed to the request's listener, in order. */
  readonly frames: readonly ReplyFrame[];
  /** Every `reply` event of the request as it came off the socket(s), in order. */
  readonly wire: readonly WireReply[];
  /** Epoch ms of each frame in `frames`. */
  readonly times: readonly number[];
  /** Socket.IO connections made so far (1 until a reconnect). */
  readonly connects: () => number;
  /** The gateway named by the `accepted` frame: the request's owner (docs/protocol.md §14.3). */
  readonly owner: () => string | undefined;
  /** HAProxy's `SERVERID` cookie the client holds now: the gateway it reaches. */
  readonly server: () => string | undefined;
  readonly chunks: () => number;
  readonly finished: () => boolean;
  /** Resolves with the terminal frame. */
  readonly done: Promise<ReplyFrame>;
};

export type StreamingClientsOptions = {
  /** The load balancer, `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly count: number;
  /** `demo.count`'s `n` and `delayMs`. */
  readonly n: number;
  readonly delayMs: number;
  /** The request's `timeoutMs` (the gateway's timer). */
  readonly timeoutMs: number;
  readonly logger: Logger;
};

/** What `openStreamingClients` returns. */
export type StreamingClients = {
  readonly clients: readonly StreamingClient[];
  /** Resolves once `predicate` holds for every client (checked on every frame), or rejects after `guardMs`. */
  readonly untilEvery: (
    predicate: (client: StreamingClient) => boolean,
    what: string,
    guardMs: number,
  ) => Promise<void>;
  /** Resolves once every request ended or `guardMs` passed (the unfinished are hung): never rejects. */
  readonly settle: (guardMs: number) => Promise<void>;
  readonly close: () => Promise<void>;
};

const cookieValue = (header: unknown, name: string): string | undefined => {
  if (typeof header !== "string") return undefined;
  const pair = header
    .split(";")
    .map((part) => part.trim())
    .find((part) => part.startsWith(`${name}=`));
  return pair?.slice(name.length + 1);
};

/**
 * Opens `count` clients as browsers would: each its own Socket.IO socket (polling, then the
 * WebSocket upgrade; HAProxy's cookie kept across reconnects by `keepCookies`), its own session,
 * and the real 1.1 transport (`createSocketIoTransport`), which resumes after a reconnect with the
 * `gateway` and `at` of the request's `accepted` frame. Each sends one `demo.count` at once.
 * `untilEvery` and `settle` are driven by the frames themselves, not by time; their guards only
 * stop a hang.
 *
 * @example
 * const set = openStreamingClients({ url: proxy.url, count: 200, n: 30, delayMs: 200, timeoutMs: 120_000, logger });
 * await set.untilEvery((c) => c.chunks() >= 5, "5 chunks each", 60_000);
 */
export const openStreamingClients = (options: StreamingClientsOptions): StreamingClients => {
  const transports: SocketIoTransport[] = [];
  const waiters = new Set<() => void>();
  const notify = (): void => {
    for (const waiter of [...waiters]) waiter();
  };

  const clients = Array.from({ length: options.count }, (_, index): StreamingClient => {
    const socket = io(options.url, {
      withCredentials: true, // Node reads Set-Cookie (SERVERID) and sends it back
      autoConnect: false,
      forceNew: true,
      reconnectionDelay: 200,
      reconnectionDelayMax: 2000,
    });
    keepCookies(socket.io);
    const requestId = createRequestId();
    const frames: ReplyFrame[] = [];
    const times: number[] = [];
    const wire: WireReply[] = [];
    let connects = 0;
    let chunks = 0;
    let terminal: ReplyFrame | undefined;
    socket.on("connect", () => {
      connects++;
    });
    socket.on("reply", (event: unknown) => {
      if (typeof event !== "object" || event === null) return;
      const { id, seq, kind, data } = event as Record<string, unknown>;
      if (id !== requestId || typeof seq !== "number" || typeof kind !== "string") return;
      wire.push({ seq, kind, data });
    });
    const transport = createSocketIoTransport({ socket, logger: options.logger });
    transports.push(transport);
    const done = new Promise<ReplyFrame>((resolve) => {
      transport.send(
        {
          id: requestId,
          type: "demo.count",
          payload: { n: options.n, delayMs: options.delayMs },
          timeoutMs: options.timeoutMs,
        },
        (frame) => {
          frames.push(frame);
          times.push(Date.now());
          if (frame.kind === "chunk") chunks++;
          if (isTerminalFrame(frame)) {
            terminal ??= frame;
            resolve(frame);
          }
          notify();
        },
      );
    });
    return {
      index,
      requestId,
      frames,
      wire,
      times,
      connects: () => connects,
      owner: () => {
        const accepted = frames.find((frame) => frame.kind === "accepted");
        return accepted?.kind === "accepted" ? accepted.gateway : undefined;
      },
      server: () => cookieValue(socket.io.opts.extraHeaders?.cookie, "SERVERID"),
      chunks: () => chunks,
      finished: () => terminal !== undefined,
      done,
    };
  });

  const untilEvery = (
    predicate: (client: StreamingClient) => boolean,
    what: string,
    guardMs: number,
  ): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (!clients.every(predicate)) return;
        waiters.delete(check);
        clearTimeout(guard);
        resolve();
      };
      const guard = setTimeout(() => {
        waiters.delete(check);
        const behind = clients.filter((client) => !predicate(client)).length;
        reject(new Error(`${behind} of ${clients.length} clients still short of ${what}`));
      }, guardMs);
      waiters.add(check);
      check();
    });

  return {
    clients,
    untilEvery,
    settle: (guardMs) =>
      untilEvery((client) => client.finished(), "a terminal frame", guardMs).catch(() => {}),
    close: async () => {
      await Promise.all(transports.map((transport) => transport.close()));
    },
  };
};
