import { io, type ManagerOptions, type SocketOptions } from "socket.io-client";
import {
  type FakeGateway,
  type FakeGatewayOptions,
  startFakeGateway,
} from "../../../../test/support/fakeGateway.js";
import { createRequestId, type ReplyFrame } from "../protocol/index.js";
import type { Logger } from "../protocol/logger.js";
import { createSocketIoTransport, type SocketIoTransport } from "./createSocketIoTransport.js";
import type { SocketIoTransportOptions } from "./socketIoTransportOptions.js";
import type { ConnectionState, TransportRequest } from "./transport.js";

const fast: Partial<ManagerOptions & SocketOptions> = {
  transports: ["websocket"],
  reconnectionDelay: 20,
  reconnectionDelayMax: 60,
  randomizationFactor: 0,
};

type Run = {
  readonly frames: ReplyFrame[];
  readonly done: Promise<ReplyFrame[]>;
  /** Resolves once `count` frames have arrived. */
  readonly seen: (count: number) => Promise<void>;
};

const run = (
  transport: SocketIoTransport,
  request: Omit<TransportRequest, "id"> & { id?: string },
): Run => {
  const frames: ReplyFrame[] = [];
  const checks = new Set<() => void>();
  let finish: (frames: ReplyFrame[]) => void = () => {};
  const done = new Promise<ReplyFrame[]>((resolve) => {
    finish = resolve;
  });
  transport.send({ id: createRequestId(), ...request }, (frame) => {
    frames.push(frame);
    for (const check of [...checks]) check();
    if (frame.kind === "result" || frame.kind === "error") finish(frames);
  });
  const seen = (count: number) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (frames.length < count) return;
        checks.delete(check);
        resolve();
      };
      checks.add(check);
      check();
    });
  return { frames, done, seen };
};

const waitForState = (transport: SocketIoTransport, state: ConnectionState) =>
  new Promise<void>((resolve) => {
    if (transport.getConnectionState() === state) {
      resolve();
      return;
    }
    const stop = transport.subscribeConnectionState((next) => {
      if (next !== state) return;
      stop();
      resolve();
    });
  });

const recordingLogger = () => {
  const lines: { level: string; message: string; details: unknown }[] = [];
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warn: (message, details) => lines.push({ level: "warn", message, details }),
    error: (message, details) => lines.push({ level: "error", message, details }),
  };
  return { lines, logger };
};

/** Frames carry consecutive seqs from 0 and one terminal frame, last. */
const expectWellFormed = (frames: readonly ReplyFrame[]) => {
  expect(frames.map((frame) => frame.seq)).toEqual(frames.map((_, index) => index));
  const terminals = frames.filter((frame) => frame.kind === "result" || frame.kind === "error");
  expect(terminals).toEqual([frames.at(-1)]);
};

const errorCode = (frame: ReplyFrame | undefined) =>
  frame?.kind === "error" ? frame.error.code : undefined;

let gateway: FakeGateway;
const transports: SocketIoTransport[] = [];

const start = async (gatewayOptions: FakeGatewayOptions = {}) => {
  gateway = await startFakeGateway(gatewayOptions);
};

const open = (options: SocketIoTransportOptions = {}) => {
  const transport = createSocketIoTransport({ url: gateway.url, socketOptions: fast, ...options });
  transports.push(transport);
  return transport;
};

afterEach(async () => {
  await Promise.all(transports.splice(0).map((transport) => transport.close()));
  await gateway.close();
});

describe("createSocketIoTransport: requests", () => {
  it("delivers accepted then the result", async () => {
    await start();
    const transport = open();
    const frames = await run(transport, { type: "demo.echo", payload: { hello: "world" } }).done;
    expect(frames.map((frame) => frame.kind)).toEqual(["accepted", "result"]);
    expect(frames[1]).toMatchObject({ kind: "result", data: { hello: "world" } });
    expectWellFormed(frames);
  });

  it("sends the request event of docs/protocol.md §2, exactly once even when sent before connecting", async () => {
    await start();
    const transport = open();
    expect(transport.getConnectionState()).toBe("connecting");
    const id = createRequestId();
    await run(transport, { id, type: "demo.echo", payload: null, timeoutMs: 5000 }).done;
    const sent = gateway.events.filter((event) => event.event === "request");
    expect(sent).toHaveLength(1);
    expect(sent[0]?.body).toEqual({
      v: 1,
      id,
      type: "demo.echo",
      payload: null,
      timeoutMs: expect.any(Number),
    });
    const { timeoutMs } = (sent[0]?.body ?? {}) as { timeoutMs?: number };
    expect(timeoutMs).toBeGreaterThan(0);
    expect(timeoutMs).toBeLessThanOrEqual(5000);
  });

  it("delivers chunks in order", async () => {
    await start();
    const frames = await run(open(), { type: "demo.count", payload: { n: 50 } }).done;
    const chunks = frames.filter((frame) => frame.kind === "chunk").map((frame) => frame.data);
    expect(chunks).toEqual(Array.from({ length: 50 }, (_, i) => ({ i })));
    expect(frames.at(-1)).toMatchObject({ kind: "result", data: { count: 50 } });
    expectWellFormed(frames);
  });

  it("passes the gateway's errors on", async () => {
    await start();
    const transport = open();
    const failed = await run(transport, { type: "demo.fail", payload: { message: "boom" } }).done;
    expect(failed.at(-1)).toMatchObject({
      kind: "error",
      error: { code: "WORKER_ERROR", message: "boom" },
    });
    const unknown = await run(transport, { type: "nobody.serves", payload: 1 }).done;
    expect(unknown).toEqual([expect.objectContaining({ seq: 0, kind: "error" })]);
    expect(errorCode(unknown[0])).toBe("UNKNOWN_TYPE");
  });

  it("refuses an id already in flight locally, leaving the first request untouched", async () => {
    await start();
    const transport = open();
    const first = run(transport, { id: "same-id", type: "test.hold", payload: null });
    await first.seen(1);
    const second = await run(transport, { id: "same-id", type: "demo.echo", payload: 1 }).done;
    expect(errorCode(second[0])).toBe("BAD_REQUEST");
    gateway.push("same-id", { kind: "result", data: "first" });
    expect((await first.done).at(-1)).toMatchObject({ kind: "result", data: "first" });
  });

  it("drops malformed frames and frames of unknown ids, and logs the malformed ones", async () => {
    await start();
    const { lines, logger } = recordingLogger();
    const transport = open({ logger });
    const held = run(transport, { type: "test.hold", payload: null });
    await held.seen(1);
    const [accepted] = held.frames;
    gateway.emitToAll("reply", { id: accepted?.id, seq: "one", kind: "chunk", data: 1 });
    gateway.emitToAll("reply", { id: accepted?.id, seq: 1, kind: "mystery" });
    gateway.emitToAll("reply", { id: "someone-else", seq: 0, kind: "result", data: 1 });
    // A later request's answer comes on the same socket, so everything above has arrived.
    await run(transport, { type: "demo.echo", payload: 1 }).done;
    expect(held.frames).toHaveLength(1);
    expect(lines.filter((line) => line.message.includes("malformed"))).toHaveLength(2);
  });

  it("ends a request locally with TIMEOUT when its wait runs out, and cancels it at the gateway", async () => {
    await start();
    const transport = open({ timeoutGraceMs: 0 });
    // Connected first: a request whose 100 ms run out before the socket was up (a loaded
    // machine) never reached the gateway, and rightly sends no cancel.
    await waitForState(transport, "connected");
    const held = run(transport, { type: "test.hold", payload: null, timeoutMs: 100 });
    const frames = await held.done;
    expect(errorCode(frames.at(-1))).toBe("TIMEOUT");
    expectWellFormed(frames);
    const id = frames[0]?.id;
    await gateway.waitForEvent("cancel", (event) => (event.body as { id: string }).id === id);
  });
});

describe("createSocketIoTransport: cancel and close", () => {
  it("cancel ends the request at once with CANCELLED and tells the gateway", async () => {
    await start();
    const transport = open();
    const held = run(transport, { type: "test.hold", payload: null });
    await held.seen(1);
    const id = held.frames[0]?.id ?? "";
    transport.cancel(id);
    expect(held.frames.map((frame) => frame.kind)).toEqual(["accepted", "error"]);
    expect(errorCode(held.frames[1])).toBe("CANCELLED");
    await gateway.waitForEvent("cancel", (event) => (event.body as { id: string }).id === id);
    // The gateway's own CANCELLED frame arrives before this answer and must be ignored.
    await run(transport, { type: "demo.echo", payload: 1 }).done;
    expect(gateway.frames(id).at(-1)).toMatchObject({
      kind: "error",
      error: { code: "CANCELLED" },
    });
    expect(held.frames).toHaveLength(2);
    transport.cancel(id);
    transport.cancel("never-sent");
    expect(held.frames).toHaveLength(2);
  });

  it("a cancel made while offline ends the request at once and reaches the gateway on reconnect", async () => {
    await start();
    const transport = open();
    const held = run(transport, { type: "test.hold", payload: null });
    await held.seen(1);
    const id = held.frames[0]?.id ?? "";
    gateway.dropConnections();
    await waitForState(transport, "reconnecting");
    transport.cancel(id);
    expect(errorCode(held.frames.at(-1))).toBe("CANCELLED");
    const cancelled = await gateway.waitForEvent("cancel");
    expect(cancelled.body).toEqual({ id });
    expect(gateway.events.filter((event) => event.event === "resume")).toHaveLength(0);
  });

  it("refuses an invalid id or timeoutMs locally with BAD_REQUEST, sending nothing", async () => {
    await start();
    const transport = open();
    await waitForState(transport, "connected");
    for (const request of [
      { type: "demo.echo", payload: 1, timeoutMs: 2.5 },
      { id: "not a valid id!", type: "demo.echo", payload: 1 },
    ]) {
      const frames = await run(transport, request).done;
      expect(frames).toEqual([expect.objectContaining({ seq: 0, kind: "error" })]);
      expect(errorCode(frames[0])).toBe("BAD_REQUEST");
    }
    await run(transport, { type: "demo.echo", payload: 1 }).done;
    expect(gateway.events.filter((event) => event.event === "request")).toHaveLength(1);
  });

  it("an id the gateway still holds comes back as protocol_error, which ends that request", async () => {
    await start();
    const transport = open();
    const held = run(transport, { id: "reused", type: "test.hold", payload: null });
    await held.seen(1);
    transport.cancel("reused");
    const again = await run(transport, { id: "reused", type: "demo.echo", payload: 1 }).done;
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({
      id: "reused",
      kind: "error",
      error: { code: "BAD_REQUEST", details: { id: "reused" } },
    });
  });

  it("logs a protocol_error that names no pending request", async () => {
    await start();
    const { lines, logger } = recordingLogger();
    const transport = open({ logger });
    const held = run(transport, { type: "test.hold", payload: null });
    await held.seen(1);
    gateway.emitToAll("protocol_error", {
      code: "BAD_REQUEST",
      message: "a request must be an object",
    });
    await run(transport, { type: "demo.echo", payload: 1 }).done;
    expect(held.frames).toHaveLength(1);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: "warn",
        details: expect.objectContaining({ code: "BAD_REQUEST" }),
      }),
    );
  });

  it("close ends pending requests with CANCELLED, tells the gateway, and refuses later sends", async () => {
    await start();
    const transport = open();
    const states: ConnectionState[] = [];
    transport.subscribeConnectionState((state) => states.push(state));
    const held = run(transport, { type: "test.hold", payload: null });
    await held.seen(1);
    const id = held.frames[0]?.id ?? "";
    await transport.close();
    expect(errorCode(held.frames.at(-1))).toBe("CANCELLED");
    expect(transport.getConnectionState()).toBe("closed");
    expect(states.at(-1)).toBe("closed");
    await gateway.waitForEvent("cancel", (event) => (event.body as { id: string }).id === id);
    const late = await run(transport, { type: "demo.echo", payload: 1 }).done;
    expect(errorCode(late[0])).toBe("UNAVAILABLE");
  });
});

describe("createSocketIoTransport: handshake", () => {
  it("sends sessionId, token and protocol 1.1, and reuses the session id on every reconnect", async () => {
    await start();
    const transport = open({ token: "secret" });
    await run(transport, { type: "demo.echo", payload: 1 }).done;
    gateway.dropConnections();
    await gateway.waitForConnections(2);
    await waitForState(transport, "connected");
    expect(gateway.handshakes).toEqual([
      { sessionId: transport.sessionId, token: "secret", protocol: "1.1" },
      { sessionId: transport.sessionId, token: "secret", protocol: "1.1" },
    ]);
    expect(transport.sessionId).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
  });

  it("uses a given session id, and asks a token function again on each connect", async () => {
    await start();
    let calls = 0;
    const transport = open({ sessionId: "given-session-id-0001", token: () => `t${++calls}` });
    await run(transport, { type: "demo.echo", payload: 1 }).done;
    gateway.dropConnections();
    await gateway.waitForConnections(2);
    expect(gateway.handshakes).toEqual([
      { sessionId: "given-session-id-0001", token: "t1", protocol: "1.1" },
      { sessionId: "given-session-id-0001", token: "t2", protocol: "1.1" },
    ]);
  });

  it("adopts a socket made by the caller, setting its handshake auth", async () => {
    await start();
    const socket = io(gateway.url, {
      autoConnect: false,
      forceNew: true,
      transports: ["websocket"],
    });
    const transport = open({ socket, sessionId: "adopted-session-0001" });
    const frames = await run(transport, { type: "demo.echo", payload: "adopted" }).done;
    expect(frames.at(-1)).toMatchObject({ kind: "result", data: "adopted" });
    expect(gateway.handshakes).toEqual([{ sessionId: "adopted-session-0001", protocol: "1.1" }]);
    await transport.close();
    expect(socket.connected).toBe(false);
  });

  it("makes its socket with the injected factory: given path, no auto-connect, its own manager", async () => {
    await start();
    const calls: { url: string | undefined; options: Record<string, unknown> }[] = [];
    const transport = open({
      io: (url, options) => {
        calls.push({ url, options });
        return io(url ?? "", options);
      },
    });
    await run(transport, { type: "demo.echo", payload: 1 }).done;
    expect(calls).toEqual([
      {
        url: gateway.url,
        options: expect.objectContaining({
          path: "/socket.io",
          autoConnect: false,
          forceNew: true,
        }),
      },
    ]);
  });

  it("rejects an invalid session id before connecting", () => {
    expect(() =>
      createSocketIoTransport({ url: "http://127.0.0.1:9", sessionId: "short" }),
    ).toThrow(TypeError);
  });

  it("a refused handshake (UNAUTHORIZED) ends pending requests, stops, and reconnect() tries again", async () => {
    await start({ authenticate: (token) => token === "good" });
    const tokens = ["bad", "good"];
    const transport = open({ token: () => tokens.shift(), logger: recordingLogger().logger });
    const refused = await run(transport, { type: "demo.echo", payload: 1 }).done;
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ seq: 0, kind: "error", error: { code: "UNAUTHORIZED" } });
    expect(transport.getConnectionState()).toBe("disconnected");
    const later = await run(transport, { type: "demo.echo", payload: 1 }).done;
    expect(errorCode(later[0])).toBe("UNAUTHORIZED");
    expect(gateway.handshakes).toHaveLength(1);
    transport.reconnect();
    await waitForState(transport, "connected");
    expect(gateway.handshakes).toHaveLength(2);
    const ok = await run(transport, { type: "demo.echo", payload: 2 }).done;
    expect(ok.at(-1)).toMatchObject({ kind: "result", data: 2 });
  });
});

describe("createSocketIoTransport: reconnect and resume", () => {
  it("reports connecting, connected, reconnecting, connected, closed", async () => {
    await start();
    const transport = open();
    const states: ConnectionState[] = [transport.getConnectionState()];
    transport.subscribeConnectionState((state) => states.push(state));
    await waitForState(transport, "connected");
    gateway.dropConnections();
    await gateway.waitForConnections(2);
    await waitForState(transport, "connected");
    await transport.close();
    expect(states).toEqual(["connecting", "connected", "reconnecting", "connected", "closed"]);
  });

  it("resumes a stream after a reconnect with the right `after`: no gap, no repeat", async () => {
    await start({ resumeOverlap: 2 });
    const transport = open();
    const held = run(transport, { type: "test.hold", payload: null, timeoutMs: 60_000 });
    await held.seen(1);
    const id = held.frames[0]?.id ?? "";
    gateway.push(id, { kind: "chunk", data: "a" });
    gateway.push(id, { kind: "chunk", data: "b" });
    await held.seen(3);
    // These two are lost with the old connection.
    gateway.push(id, { kind: "chunk", data: "c" }, { deliver: false });
    gateway.push(id, { kind: "progress", progress: { done: 1, total: 2 } }, { deliver: false });
    gateway.dropConnections();
    const resume = await gateway.waitForEvent("resume");
    expect(resume.body).toEqual({ id, after: 2, timeoutMs: expect.any(Number) });
    const { timeoutMs } = resume.body as { timeoutMs: number };
    expect(timeoutMs).toBeGreaterThan(0);
    expect(timeoutMs).toBeLessThanOrEqual(60_000);
    await held.seen(5);
    gateway.push(id, { kind: "result", data: "done" });
    const frames = await held.done;
    expect(frames.map((frame) => (frame.kind === "chunk" ? frame.data : frame.kind))).toEqual([
      "accepted",
      "a",
      "b",
      "c",
      "progress",
      "result",
    ]);
    expectWellFormed(frames);
    expect(gateway.events.filter((event) => event.event === "request")).toHaveLength(1);
  });

  it("sends back the gateway and at of a 1.1 accepted frame in every resume (docs/protocol.md §14.3)", async () => {
    await start({
      serve: ({ send }) => send({ kind: "accepted", gateway: "gw-a.1", at: 1795310876298 }),
    });
    const transport = open();
    const held = run(transport, { type: "test.hold", payload: null });
    await held.seen(1);
    expect(held.frames[0]).toMatchObject({
      kind: "accepted",
      gateway: "gw-a.1",
      at: 1795310876298,
    });
    const id = held.frames[0]?.id ?? "";
    gateway.dropConnections();
    const resume = await gateway.waitForEvent("resume");
    expect(resume.body).toEqual({
      id,
      after: 0,
      timeoutMs: expect.any(Number),
      gateway: "gw-a.1",
      at: 1795310876298,
    });
    gateway.push(id, { kind: "result", data: "done" });
    expect((await held.done).at(-1)).toMatchObject({ kind: "result", data: "done" });
  });

  it("repairs a gap in a live stream with a resume", async () => {
    await start();
    const transport = open();
    const held = run(transport, { type: "test.hold", payload: null });
    await held.seen(1);
    const id = held.frames[0]?.id ?? "";
    gateway.push(id, { kind: "chunk", data: 1 }, { deliver: false });
    gateway.push(id, { kind: "chunk", data: 2 });
    const resume = await gateway.waitForEvent("resume");
    expect(resume.body).toMatchObject({ id, after: 0 });
    gateway.push(id, { kind: "result", data: null });
    const frames = await held.done;
    expect(frames.map((frame) => frame.kind)).toEqual(["accepted", "chunk", "chunk", "result"]);
    expectWellFormed(frames);
  });

  it("reconnects after the gateway disconnects the socket, and resumes", async () => {
    await start();
    const transport = open();
    const held = run(transport, { type: "test.hold", payload: null });
    await held.seen(1);
    const id = held.frames[0]?.id ?? "";
    gateway.disconnectSockets();
    await gateway.waitForEvent("resume");
    gateway.push(id, { kind: "result", data: "after" });
    expect((await held.done).at(-1)).toMatchObject({ kind: "result", data: "after" });
  });

  it("queues a request sent while reconnecting and sends it exactly once", async () => {
    await start();
    const transport = open();
    await waitForState(transport, "connected");
    gateway.dropConnections();
    await waitForState(transport, "reconnecting");
    const id = createRequestId();
    const frames = await run(transport, { id, type: "demo.echo", payload: "queued" }).done;
    expect(frames.at(-1)).toMatchObject({ kind: "result", data: "queued" });
    const sent = gateway.events.filter(
      (event) => event.event === "request" && (event.body as { id: string }).id === id,
    );
    expect(sent).toHaveLength(1);
    expect(gateway.events.filter((event) => event.event === "resume")).toHaveLength(0);
  });

  it("ends the request with NOT_FOUND when the gateway no longer knows it", async () => {
    await start();
    const transport = open();
    const held = run(transport, { type: "test.hold", payload: null });
    await held.seen(1);
    const id = held.frames[0]?.id ?? "";
    gateway.forget(id);
    gateway.dropConnections();
    const frames = await held.done;
    expect(frames[1]).toMatchObject({ id, seq: 1, kind: "error", error: { code: "NOT_FOUND" } });
    expectWellFormed(frames);
  });

  it("ends with TIMEOUT instead of resuming when the wait ran out while disconnected", async () => {
    await start();
    let clock = 1_000_000;
    const transport = open({ now: () => clock, timeoutGraceMs: 60_000 });
    const held = run(transport, { type: "test.hold", payload: null, timeoutMs: 1000 });
    await held.seen(1);
    clock += 5000;
    gateway.dropConnections();
    const frames = await held.done;
    expect(errorCode(frames.at(-1))).toBe("TIMEOUT");
    await run(transport, { type: "demo.echo", payload: 1 }).done;
    expect(gateway.events.filter((event) => event.event === "resume")).toHaveLength(0);
  });

  it("gives up with UNAVAILABLE when reconnection attempts run out", async () => {
    await start();
    const transport = open({ socketOptions: { ...fast, reconnectionAttempts: 2 } });
    const held = run(transport, { type: "test.hold", payload: null });
    await held.seen(1);
    await gateway.close();
    const frames = await held.done;
    expect(errorCode(frames.at(-1))).toBe("UNAVAILABLE");
    expect(transport.getConnectionState()).toBe("disconnected");
    gateway = await startFakeGateway();
  });
});

describe("createSocketIoTransport: 1.1 chunks batches (docs/protocol.md §14.2)", () => {
  const holdOne = async (transport: SocketIoTransport) => {
    const held = run(transport, { type: "test.hold", payload: null });
    await held.seen(1);
    return { held, id: held.frames[0]?.id ?? "" };
  };
  const shown = (frames: readonly ReplyFrame[]) =>
    frames.map((frame) => (frame.kind === "chunk" ? frame.data : frame.kind));

  it("hands a batch to the listener as chunk frames with consecutive seqs", async () => {
    await start();
    const { held, id } = await holdOne(open());
    gateway.pushChunks(id, ["a", { b: 1 }, null]);
    gateway.push(id, { kind: "result", data: "done" });
    const frames = await held.done;
    expect(frames.slice(1, 4)).toEqual([
      { id, seq: 1, kind: "chunk", data: "a" },
      { id, seq: 2, kind: "chunk", data: { b: 1 } },
      { id, seq: 3, kind: "chunk", data: null },
    ]);
    expect(shown(frames)).toEqual(["accepted", "a", { b: 1 }, null, "result"]);
    expectWellFormed(frames);
  });

  it("takes a batch's last seq as the last seen: a repeat is dropped, a gap after it resumes from there", async () => {
    await start();
    const { held, id } = await holdOne(open());
    gateway.pushChunks(id, ["a", "b"]);
    await held.seen(3);
    gateway.emitToAll("reply", { id, seq: 1, kind: "chunks", data: ["a", "b"] });
    gateway.push(id, { kind: "chunk", data: "c" }, { deliver: false });
    gateway.pushChunks(id, ["d", "e"]);
    const resume = await gateway.waitForEvent("resume");
    expect(resume.body).toMatchObject({ id, after: 2 });
    gateway.push(id, { kind: "result", data: null });
    const frames = await held.done;
    expect(shown(frames)).toEqual(["accepted", "a", "b", "c", "d", "e", "result"]);
    expectWellFormed(frames);
  });

  it("takes the unseen rest of a batch that overlaps what was seen, and drops a malformed one", async () => {
    await start();
    const { lines, logger } = recordingLogger();
    const { held, id } = await holdOne(open({ logger }));
    gateway.pushChunks(id, ["a", "b"]);
    await held.seen(3);
    gateway.emitToAll("reply", { id, seq: 3, kind: "chunks", data: [] });
    gateway.pushChunks(id, ["c"], { deliver: false });
    gateway.emitToAll("reply", { id, seq: 2, kind: "chunks", data: ["b", "c"] });
    gateway.push(id, { kind: "result", data: null });
    const frames = await held.done;
    expect(shown(frames)).toEqual(["accepted", "a", "b", "c", "result"]);
    expectWellFormed(frames);
    expect(gateway.events.filter((event) => event.event === "resume")).toHaveLength(0);
    expect(lines).toEqual([
      expect.objectContaining({ level: "warn", message: "dropped a malformed reply frame" }),
    ]);
  });
});

describe("createSocketIoTransport: default transports", () => {
  it("works over long-polling with upgrade, as a browser starts", async () => {
    await start();
    const transport = open({ socketOptions: { reconnectionDelay: 20 } });
    const frames = await run(transport, { type: "demo.count", payload: { n: 3 } }).done;
    expect(frames.map((frame) => frame.kind)).toEqual([
      "accepted",
      "chunk",
      "chunk",
      "chunk",
      "result",
    ]);
  });
});
