import { createMemoryBroker } from "@taskbridge/broker";
import { silentLogger, type WireReplyFrame } from "@taskbridge/core/protocol";
import { createManualTimers, type ManualTimers } from "@taskbridge/core/testing";
import { createGatewayMetrics } from "./createGatewayMetrics.js";
import { createRequestLifecycle, type RequestLifecycle } from "./createRequestLifecycle.js";
import { createRequestTable, type RequestEntry } from "./createRequestTable.js";
import type { Publication } from "./preparePublication.js";
import type { FrameSocket } from "./reduceRequestRecord.js";
import type { SocketProtocol } from "./socketProtocol.js";

// docs/protocol.md §14.4: a 1.1 socket's `accepted` waits up to `acceptedHoldMs` for the
// request's next frame, so that both are sent in the same turn (one socket write).

type RecordingSocket = FrameSocket & { readonly frames: WireReplyFrame[] };

const socketOf = (protocol: SocketProtocol): RecordingSocket => {
  const frames: WireReplyFrame[] = [];
  return {
    frames,
    data: { protocol },
    emit: (event, body) => (event === "reply" ? frames.push(body as WireReplyFrame) : 0),
  };
};

const publication = (timeoutMs: number, now: number): Publication => ({
  queue: "taskbridge.req.demo.echo",
  payload: null,
  headers: {},
  timeoutMs,
  deadline: now + timeoutMs,
  onReply: undefined,
});

type Setup = {
  readonly timers: ManualTimers;
  readonly lifecycle: RequestLifecycle;
  /** A request of `socket`, published with a gateway timer of `timeoutMs`, confirmed. */
  readonly accepted: (socket: FrameSocket, id: string, timeoutMs?: number) => RequestEntry;
  readonly close: () => Promise<void>;
};

const setUp = (acceptedHoldMs: number): Setup => {
  const timers = createManualTimers();
  const broker = createMemoryBroker({ timers, logger: silentLogger });
  const table = createRequestTable({
    rateLimit: { tokens: 100, perMs: 1000 },
    retentionMs: 60_000,
    timers,
  });
  const lifecycle = createRequestLifecycle({
    table,
    broker,
    cancelExchange: "taskbridge.cancel",
    replayFrames: 1000,
    transformReplies: false,
    acceptedHoldMs,
    timers,
    metrics: createGatewayMetrics(),
    logger: silentLogger,
  });
  const session = table.connect({ principal: "anon", sessionId: "s1", claims: {} });
  return {
    timers,
    lifecycle,
    accepted: (socket, id, timeoutMs = 60_000) => {
      const entry = lifecycle.receive(session, socket, id, "demo.echo");
      lifecycle.dispatch(entry, {
        type: "published",
        publication: publication(timeoutMs, timers.now()),
      });
      lifecycle.dispatch(entry, { type: "accepted" });
      return entry;
    },
    close: async () => {
      lifecycle.close();
      await broker.close();
    },
  };
};

const result = (data: unknown) =>
  ({ type: "replied", kind: "result", seq: 0, attempt: 1, body: data }) as const;

describe("accepted held for a 1.1 socket (docs/protocol.md §14.4)", () => {
  let setup: Setup;
  afterEach(async () => {
    await setup.close();
  });

  it("sends accepted with a reply that comes within the window, in the same turn", () => {
    setup = setUp(2);
    const socket = socketOf("1.1");
    const entry = setup.accepted(socket, "r1");
    expect(socket.frames).toEqual([]);
    setup.timers.advance(1);
    expect(socket.frames).toEqual([]);
    setup.lifecycle.dispatch(entry, result(42));
    expect(socket.frames).toEqual([
      { id: "r1", seq: 0, kind: "accepted" },
      { id: "r1", seq: 1, kind: "result", data: 42 },
    ]);
    setup.timers.advance(10);
    expect(socket.frames).toHaveLength(2);
  });

  it("sends accepted when the window ends without a reply, and the reply after it", () => {
    setup = setUp(2);
    const socket = socketOf("1.1");
    const entry = setup.accepted(socket, "r1");
    setup.timers.advance(1);
    expect(socket.frames).toEqual([]);
    setup.timers.advance(1);
    expect(socket.frames).toEqual([{ id: "r1", seq: 0, kind: "accepted" }]);
    setup.lifecycle.dispatch(entry, {
      type: "replied",
      kind: "chunk",
      seq: 0,
      attempt: 1,
      body: "a",
    });
    setup.lifecycle.dispatch(entry, { ...result(null), seq: 1 });
    expect(socket.frames).toEqual([
      { id: "r1", seq: 0, kind: "accepted" },
      { id: "r1", seq: 1, kind: "chunk", data: "a" },
      { id: "r1", seq: 2, kind: "result", data: null },
    ]);
  });

  it("sends a held accepted just before a cancel's terminal frame, never after it", () => {
    setup = setUp(2);
    const socket = socketOf("1.1");
    const entry = setup.accepted(socket, "r1");
    setup.lifecycle.dispatch(entry, { type: "cancelled", socket });
    expect(socket.frames).toEqual([
      { id: "r1", seq: 0, kind: "accepted" },
      expect.objectContaining({ id: "r1", seq: 1, kind: "error" }),
    ]);
    expect(socket.frames[1]).toMatchObject({ error: { code: "CANCELLED" } });
    setup.timers.advance(10);
    expect(socket.frames).toHaveLength(2);
  });

  it("sends a held accepted just before a gateway timeout that ends the window early", () => {
    setup = setUp(5);
    const socket = socketOf("1.1");
    setup.accepted(socket, "r1", 1);
    expect(socket.frames).toEqual([]);
    setup.timers.advance(1);
    expect(socket.frames).toEqual([
      { id: "r1", seq: 0, kind: "accepted" },
      expect.objectContaining({ id: "r1", seq: 1, kind: "error" }),
    ]);
    expect(socket.frames[1]).toMatchObject({ error: { code: "TIMEOUT" } });
    setup.timers.advance(10);
    expect(socket.frames).toHaveLength(2);
  });

  it("does not send a held accepted twice when the request is resumed during the window", () => {
    setup = setUp(2);
    const first = socketOf("1.1");
    const second = socketOf("1.1");
    const entry = setup.accepted(first, "r1");
    setup.lifecycle.dispatch(entry, { type: "released", socket: first });
    setup.lifecycle.dispatch(entry, { type: "resumed", socket: second, after: -1 });
    expect(second.frames).toEqual([{ id: "r1", seq: 0, kind: "accepted" }]);
    setup.timers.advance(10);
    setup.lifecycle.dispatch(entry, result(1));
    expect(first.frames).toEqual([]);
    expect(second.frames).toEqual([
      { id: "r1", seq: 0, kind: "accepted" },
      { id: "r1", seq: 1, kind: "result", data: 1 },
    ]);
  });

  it("sends accepted at once to a version 1 socket, and to every socket when the hold is 0", () => {
    setup = setUp(2);
    const v1 = socketOf("1");
    setup.accepted(v1, "r1");
    expect(v1.frames).toEqual([{ id: "r1", seq: 0, kind: "accepted" }]);
    void setup.close();
    setup = setUp(0);
    const v11 = socketOf("1.1");
    setup.accepted(v11, "r2");
    expect(v11.frames).toEqual([{ id: "r2", seq: 0, kind: "accepted" }]);
  });
});
