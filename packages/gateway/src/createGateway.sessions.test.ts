import { createSessionId } from "@taskbridge/core/protocol";
import { createManualTimers } from "@taskbridge/core/testing";
import type { Socket as ServerSocket } from "socket.io";
import { brief } from "../testing/brief.js";
import { createGatewayHarness, type GatewayHarness } from "../testing/createGatewayHarness.js";

/** Resolves when the server side of the next connection disconnects. */
const serverDisconnect = (harness: GatewayHarness): Promise<void> =>
  new Promise((resolve) => {
    harness.gateway.io.once("connection", (socket: ServerSocket) => {
      socket.once("disconnect", () => resolve());
    });
  });

describe("sessions, resume and per-socket routing", () => {
  let harness: GatewayHarness;
  afterEach(async () => {
    await harness.close();
  });

  it("replays held frames after a reconnect without gap or repeat, then continues live", async () => {
    harness = await createGatewayHarness();
    const queue = harness.inbox("demo.count");
    await queue.ready;
    const sessionId = createSessionId();
    const first = await harness.connect({ sessionId });
    first.socket.emit("request", { v: 1, id: "r", type: "demo.count", payload: null });
    const message = await queue.next();
    await harness.reply(message, { kind: "chunk", body: 0, seq: 0 });
    await first.until(() => first.framesOf("r").length === 2);
    first.close();
    for (let i = 1; i <= 3; i++) await harness.reply(message, { kind: "chunk", body: i, seq: i });
    const second = await harness.connect({ sessionId });
    second.socket.emit("resume", { id: "r", after: 1 });
    await harness.reply(message, { kind: "result", body: "done", seq: 4 });
    await second.terminal("r");
    expect(brief(second.framesOf("r"))).toEqual(["2:chunk", "3:chunk", "4:chunk", "5:result"]);
    expect(second.framesOf("r").map((f) => (f.kind === "chunk" ? f.data : f.kind))).toEqual([
      1,
      2,
      3,
      "result",
    ]);
  });

  it("sends each request's frames only to the socket that last sent request or resume", async () => {
    harness = await createGatewayHarness();
    const queue = harness.inbox("demo.echo");
    await queue.ready;
    const sessionId = createSessionId();
    const a = await harness.connect({ sessionId });
    const b = await harness.connect({ sessionId });
    a.socket.emit("request", { v: 1, id: "ra", type: "demo.echo", payload: "a" });
    const ma = await queue.next();
    b.socket.emit("request", { v: 1, id: "rb", type: "demo.echo", payload: "b" });
    const mb = await queue.next();
    await harness.reply(mb, { kind: "result", body: "b" });
    await b.terminal("rb");
    await harness.reply(ma, { kind: "chunk", body: 1, seq: 0 });
    await a.until(() => a.framesOf("ra").length === 2);
    b.socket.emit("resume", { id: "ra", after: 0 });
    await b.until(() => b.framesOf("ra").length === 1);
    await harness.reply(ma, { kind: "result", body: "a", seq: 1 });
    await b.terminal("ra");
    expect(brief(a.framesOf("ra"))).toEqual(["0:accepted", "1:chunk"]);
    expect(brief(b.framesOf("ra"))).toEqual(["1:chunk", "2:result"]);
    expect(a.framesOf("rb")).toEqual([]);
  });

  it("answers NOT_FOUND for an unknown id, and once a finished request is forgotten", async () => {
    harness = await createGatewayHarness({ limits: { retentionMs: 50, orphanWindowMs: 0 } });
    const client = await harness.connect();
    client.socket.emit("resume", { id: "ghost", after: 4 });
    expect(await client.terminal("ghost")).toMatchObject({
      seq: 5,
      kind: "error",
      error: { code: "NOT_FOUND" },
    });
    client.socket.emit("request", { v: 1, id: "s", type: "taskbridge.services" });
    await client.terminal("s");
    // Held for 50 ms: the terminal frame is replayed, afterwards NOT_FOUND.
    for (;;) {
      const before = client.replies.length;
      client.socket.emit("resume", { id: "s", after: 0 });
      await client.until(() => client.replies.length > before);
      const frame = client.replies[client.replies.length - 1]!;
      if (frame.kind === "error") {
        expect(frame).toMatchObject({ seq: 1, error: { code: "NOT_FOUND" } });
        break;
      }
      expect(frame).toMatchObject({ seq: 1, kind: "result" });
    }
  });

  it("forgets the oldest finished requests early beyond maxRetainedRequests, never one in flight", async () => {
    harness = await createGatewayHarness({ limits: { maxRetainedRequests: 1, orphanWindowMs: 0 } });
    const queue = harness.inbox("demo.slow");
    await queue.ready;
    const client = await harness.connect();
    client.socket.emit("request", { v: 1, id: "slow", type: "demo.slow", payload: null });
    const message = await queue.next();
    await client.until(() => client.framesOf("slow").length === 1);
    for (const id of ["a", "b"]) {
      client.socket.emit("request", { v: 1, id, type: "taskbridge.services" });
      await client.terminal(id);
    }
    expect(harness.gateway.stats()).toEqual({ sessions: 1, requests: 2 });
    const metrics = await (await fetch(`${harness.url}/metrics`)).text();
    expect(metrics).toContain("taskbridge_gateway_requests_forgotten_early_total 1");
    // `a` is forgotten although its retention has not run out: `resume` gets NOT_FOUND.
    client.socket.emit("resume", { id: "a", after: 0 });
    await client.until(() => client.framesOf("a").length === 3);
    expect(brief(client.framesOf("a"))).toEqual(["0:accepted", "1:result", "1:error:NOT_FOUND"]);
    // `b`, the newest finished one, is still held and replayed.
    client.socket.emit("resume", { id: "b", after: 0 });
    await client.until(() => client.framesOf("b").length === 3);
    expect(brief(client.framesOf("b"))).toEqual(["0:accepted", "1:result", "1:result"]);
    // And `a`'s id is free again: the same id starts a new request instead of a BAD_REQUEST.
    client.socket.emit("request", { v: 1, id: "a", type: "taskbridge.services" });
    await client.until(() => client.framesOf("a").length === 5);
    expect(brief(client.framesOf("a")).slice(3)).toEqual(["0:accepted", "1:result"]);
    expect(client.protocolErrors).toEqual([]);
    // The request in flight was never counted against the bound: it still ends normally.
    await harness.reply(message, { kind: "result", body: "late", seq: 0 });
    expect(await client.terminal("slow")).toMatchObject({ seq: 1, kind: "result", data: "late" });
    expect(harness.gateway.stats()).toEqual({ sessions: 1, requests: 1 });
  });

  it("ends a request with NOT_FOUND frames-dropped when the replay would have a gap", async () => {
    harness = await createGatewayHarness({ limits: { replayFrames: 2 } });
    const queue = harness.inbox("demo.count");
    await queue.ready;
    const client = await harness.connect();
    client.socket.emit("request", { v: 1, id: "r", type: "demo.count", payload: null });
    const message = await queue.next();
    for (let i = 0; i < 5; i++) await harness.reply(message, { kind: "chunk", body: i, seq: i });
    await client.until(() => client.framesOf("r").length === 6);
    client.socket.emit("resume", { id: "r", after: 0 });
    await client.until(() => client.framesOf("r").length === 7);
    expect(client.framesOf("r")[6]).toEqual({
      id: "r",
      seq: 1,
      kind: "error",
      error: expect.objectContaining({ code: "NOT_FOUND", details: { reason: "frames-dropped" } }),
    });
    // The NOT_FOUND frame is the request's end for everyone: nothing held before it is replayed
    // any more, and the worker's late result is not sent. Events on one socket are handled in
    // order, so had the first resume replayed anything, it would come before the second's answer.
    await harness.reply(message, { kind: "result", body: null, seq: 5 });
    client.socket.emit("resume", { id: "r", after: 4 });
    client.socket.emit("resume", { id: "r", after: 0 });
    await client.until(() => client.framesOf("r").length === 8);
    expect(client.framesOf("r")[7]).toEqual(client.framesOf("r")[6]);
  });

  it("keeps a disconnected session's request until its timeout, then frees everything", async () => {
    const timers = createManualTimers();
    harness = await createGatewayHarness({ timers, limits: { retentionMs: 1000 } });
    const queue = harness.inbox("demo.slow");
    await queue.ready;
    const gone = serverDisconnect(harness);
    const client = await harness.connect();
    client.socket.emit("request", {
      v: 1,
      id: "r",
      type: "demo.slow",
      payload: null,
      timeoutMs: 5000,
    });
    await queue.next();
    await client.until(() => client.framesOf("r").length === 1);
    client.close();
    await gone;
    expect(harness.gateway.stats()).toEqual({ sessions: 1, requests: 1 });
    timers.advance(4999);
    expect(harness.gateway.stats()).toEqual({ sessions: 1, requests: 1 });
    timers.advance(1); // TIMEOUT, held for retention
    expect(harness.gateway.stats()).toEqual({ sessions: 1, requests: 1 });
    timers.advance(1000 + 50); // retention, plus the sweep's batching slack (1000 / 20)
    expect(harness.gateway.stats()).toEqual({ sessions: 0, requests: 0 });
    expect(timers.pending()).toBe(0);
  });
});
