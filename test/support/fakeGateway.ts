import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  cancelledError,
  createError,
  type ErrorBody,
  EVENTS,
  type FrameBody,
  isSessionId,
  parseCancelEvent,
  parseRequestEvent,
  parseResumeEvent,
  type ReplyFrame,
  type RequestEvent,
} from "@taskbridge/core/protocol";
import { Server, type Socket } from "socket.io";

/** One client event as the fake gateway received it. */
export type ReceivedEvent = {
  readonly event: string;
  readonly body: unknown;
  readonly sessionId: string;
  readonly socketId: string;
};

/** What a script may do with one request: send frames (delivered, or only logged as if lost). */
export type FakeReply = {
  readonly request: RequestEvent;
  readonly send: (body: FrameBody, options?: { readonly deliver?: boolean }) => void;
};

export type FakeGatewayOptions = {
  /** Decides a handshake's `auth.token`; false refuses it with `UNAUTHORIZED`. Default: all in. */
  readonly authenticate?: (token: unknown) => boolean;
  /** Serves a valid request. Default: `referenceScript`. */
  readonly serve?: (reply: FakeReply) => void;
  /** Replays this many frames before `after` too, to test that the client drops repeats. */
  readonly resumeOverlap?: number;
};

export type FakeGateway = {
  readonly url: string;
  /** Every client event received, in order. */
  readonly events: readonly ReceivedEvent[];
  /** The `auth` of every accepted or refused handshake, in order. */
  readonly handshakes: readonly unknown[];
  /** Resolves with the first event (past or future) with that name that `match` accepts. */
  readonly waitForEvent: (
    event: string,
    match?: (received: ReceivedEvent) => boolean,
  ) => Promise<ReceivedEvent>;
  /** Resolves once `count` sockets have connected in all. */
  readonly waitForConnections: (count: number) => Promise<void>;
  /** Sends (or, with `deliver: false`, only logs) a frame of a request still open. */
  readonly push: (id: string, body: FrameBody, options?: { readonly deliver?: boolean }) => void;
  /**
   * Logs one chunk frame per item and sends them as one 1.1 `chunks` frame to a socket whose
   * handshake asked for `protocol: "1.1"`, as `chunk` frames to any other (docs/protocol.md §14.2).
   */
  readonly pushChunks: (
    id: string,
    items: readonly unknown[],
    options?: { readonly deliver?: boolean },
  ) => void;
  /** Forgets a request, as a gateway does 60 s after its terminal frame. */
  readonly forget: (id: string) => void;
  /** The frames logged for a request so far. */
  readonly frames: (id: string) => readonly ReplyFrame[];
  /** Closes every client's underlying connection, as a network drop would: clients reconnect. */
  readonly dropConnections: () => void;
  /** Disconnects every socket from the server side (`io server disconnect`). */
  readonly disconnectSockets: () => void;
  /** Emits any event with any body to every connected socket. */
  readonly emitToAll: (event: string, body: unknown) => void;
  readonly close: () => Promise<void>;
};

type Held = {
  readonly frames: ReplyFrame[];
  socket: Socket | undefined;
  finished: boolean;
};

/**
 * The reference services of docs/protocol.md §8 as the fake serves them, plus `test.hold` (accepted,
 * then nothing until the test pushes frames). Anything else is `UNKNOWN_TYPE`.
 */
export const referenceScript = ({ request, send }: FakeReply): void => {
  const payload = (request.payload ?? {}) as Record<string, unknown>;
  switch (request.type) {
    case "demo.echo":
      send({ kind: "accepted" });
      send({ kind: "result", data: request.payload });
      return;
    case "demo.count": {
      const n = Number(payload.n ?? 0);
      send({ kind: "accepted" });
      for (let i = 0; i < n; i++) send({ kind: "chunk", data: { i } });
      send({ kind: "result", data: { count: n } });
      return;
    }
    case "demo.fail":
      send({ kind: "accepted" });
      send({ kind: "error", error: createError("WORKER_ERROR", String(payload.message)) });
      return;
    case "test.hold":
      send({ kind: "accepted" });
      return;
    default:
      send({ kind: "error", error: createError("UNKNOWN_TYPE", `nobody serves ${request.type}`) });
  }
};

/**
 * A small but protocol-faithful Socket.IO gateway for client tests (docs/protocol.md §2): handshake
 * checks, `request`/`cancel`/`resume`, per-request frame logs with seq numbers, replay on
 * resume, `NOT_FOUND` for unknown ids, `protocol_error` for unanswerable bodies and duplicate
 * ids. No broker, no timers: requests are served by a script, and the test pushes frames.
 *
 * @example
 * const gateway = await startFakeGateway();
 * const transport = createSocketIoTransport({ url: gateway.url });
 * // …
 * await transport.close(); await gateway.close();
 */
export const startFakeGateway = async (options: FakeGatewayOptions = {}): Promise<FakeGateway> => {
  const httpServer = createServer();
  const io = new Server(httpServer, { maxHttpBufferSize: 2 * 1024 * 1024 });
  const events: ReceivedEvent[] = [];
  const handshakes: unknown[] = [];
  const held = new Map<string, Held>();
  const waiters = new Set<() => void>();
  let connections = 0;
  const serve = options.serve ?? referenceScript;
  const overlap = options.resumeOverlap ?? 0;

  const notify = () => {
    for (const waiter of [...waiters]) waiter();
  };
  const waitUntil = <T>(check: () => T | undefined): Promise<T> =>
    new Promise((resolve) => {
      const attempt = () => {
        const value = check();
        if (value === undefined) return;
        waiters.delete(attempt);
        resolve(value);
      };
      waiters.add(attempt);
      attempt();
    });

  const key = (sessionId: string, id: string) => `${sessionId}:${id}`;
  const sessionOf = (socket: Socket) =>
    String((socket.handshake.auth as { sessionId?: unknown }).sessionId);

  const append = (record: Held, id: string, body: FrameBody, deliver: boolean) => {
    if (record.finished) return;
    const frame = { ...body, id, seq: record.frames.length } as ReplyFrame;
    record.frames.push(frame);
    record.finished = frame.kind === "result" || frame.kind === "error";
    if (deliver) record.socket?.emit(EVENTS.reply, frame);
  };

  const appendChunks = (record: Held, id: string, items: readonly unknown[], deliver: boolean) => {
    if (record.finished || items.length === 0) return;
    const seq = record.frames.length;
    for (const data of items)
      record.frames.push({ id, seq: record.frames.length, kind: "chunk", data });
    const { socket } = record;
    if (!deliver || socket === undefined) return;
    const auth = socket.handshake.auth as { protocol?: unknown };
    if (auth.protocol === "1.1")
      socket.emit(EVENTS.reply, { id, seq, kind: "chunks", data: items });
    else for (const frame of record.frames.slice(seq)) socket.emit(EVENTS.reply, frame);
  };

  const findById = (id: string): Held | undefined => {
    for (const [name, record] of held) if (name.endsWith(`:${id}`)) return record;
    return undefined;
  };

  io.use((socket, next) => {
    const auth = socket.handshake.auth as { sessionId?: unknown; token?: unknown };
    handshakes.push(auth);
    notify();
    if (!isSessionId(auth.sessionId)) {
      next(
        Object.assign(new Error("bad session id"), {
          data: createError("BAD_REQUEST", "bad session id"),
        }),
      );
    } else if (options.authenticate !== undefined && !options.authenticate(auth.token)) {
      const body: ErrorBody = createError("UNAUTHORIZED", "unknown credentials");
      next(Object.assign(new Error(body.message), { data: body }));
    } else next();
  });

  io.on("connection", (socket) => {
    connections += 1;
    const sessionId = sessionOf(socket);
    const record = (event: string, body: unknown) => {
      events.push({ event, body, sessionId, socketId: socket.id });
      notify();
    };
    socket.on(EVENTS.request, (body: unknown) => {
      record(EVENTS.request, body);
      const parsed = parseRequestEvent(body);
      if (parsed.kind === "protocolError") {
        socket.emit(EVENTS.protocolError, parsed.error);
        return;
      }
      const id = parsed.kind === "ok" ? parsed.value.id : parsed.id;
      if (held.has(key(sessionId, id))) {
        const error = createError("BAD_REQUEST", `request ${id} is still held`, {
          details: { id },
        });
        socket.emit(EVENTS.protocolError, error);
        return;
      }
      const entry: Held = { frames: [], socket, finished: false };
      held.set(key(sessionId, id), entry);
      if (parsed.kind === "reject") {
        append(entry, id, { kind: "error", error: parsed.error }, true);
        return;
      }
      serve({
        request: parsed.value,
        send: (frame, sendOptions) => append(entry, id, frame, sendOptions?.deliver ?? true),
      });
    });
    socket.on(EVENTS.cancel, (body: unknown) => {
      record(EVENTS.cancel, body);
      const parsed = parseCancelEvent(body);
      if (parsed.kind !== "ok") return;
      const entry = held.get(key(sessionId, parsed.value.id));
      if (entry === undefined) return;
      append(entry, parsed.value.id, { kind: "error", error: cancelledError() }, true);
    });
    socket.on(EVENTS.resume, (body: unknown) => {
      record(EVENTS.resume, body);
      const parsed = parseResumeEvent(body);
      if (parsed.kind !== "ok") {
        socket.emit(EVENTS.protocolError, parsed.error);
        return;
      }
      const { id, after } = parsed.value;
      const entry = held.get(key(sessionId, id));
      if (entry === undefined) {
        const error = createError("NOT_FOUND", `no request ${id} in this session`);
        socket.emit(EVENTS.reply, { id, seq: after + 1, kind: "error", error });
        return;
      }
      entry.socket = socket;
      for (const frame of entry.frames)
        if (frame.seq > after - overlap) socket.emit(EVENTS.reply, frame);
    });
    socket.on("disconnect", () => {
      for (const entry of held.values()) if (entry.socket === socket) entry.socket = undefined;
    });
    notify();
  });

  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  const { port } = httpServer.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    events,
    handshakes,
    waitForEvent: (event, match = () => true) =>
      waitUntil(() => events.find((received) => received.event === event && match(received))),
    waitForConnections: (count) =>
      waitUntil(() => (connections >= count ? true : undefined)).then(() => {}),
    push: (id, body, pushOptions) => {
      const entry = findById(id);
      if (entry === undefined) throw new Error(`the fake gateway holds no request ${id}`);
      append(entry, id, body, pushOptions?.deliver ?? true);
    },
    pushChunks: (id, items, pushOptions) => {
      const entry = findById(id);
      if (entry === undefined) throw new Error(`the fake gateway holds no request ${id}`);
      appendChunks(entry, id, items, pushOptions?.deliver ?? true);
    },
    forget: (id) => {
      for (const name of [...held.keys()]) if (name.endsWith(`:${id}`)) held.delete(name);
    },
    frames: (id) => findById(id)?.frames ?? [],
    dropConnections: () => {
      for (const socket of io.sockets.sockets.values()) socket.conn.close();
    },
    disconnectSockets: () => {
      io.disconnectSockets(true);
    },
    emitToAll: (event, body) => {
      io.emit(event, body);
    },
    close: () =>
      new Promise<void>((resolve) => {
        waiters.clear();
        io.close(() => resolve());
      }),
  };
};
