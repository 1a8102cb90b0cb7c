import type { DeliveredMessage } from "@taskbridge/broker";
import { cancelledError, randomId } from "@taskbridge/core/protocol";
import { brief } from "../testing/brief.js";
import { createGatewayHarness, type GatewayHarness } from "../testing/createGatewayHarness.js";

describe("createGateway over the memory broker", () => {
  let harness: GatewayHarness;
  afterEach(async () => {
    await harness.close();
  });

  it("publishes a request with the protocol's properties and relays the reply frames", async () => {
    harness = await createGatewayHarness({ gatewayId: "gw-relay" });
    const queue = harness.inbox("demo.count");
    await queue.ready;
    const client = await harness.connect();
    client.socket.emit("request", {
      v: 1,
      id: "r1",
      type: "demo.count",
      payload: { n: 2 },
      timeoutMs: 5000,
    });
    const message = await queue.next();
    expect(message.properties).toMatchObject({
      contentType: "application/json",
      correlationId: `anon:${client.sessionId}:r1`,
      replyTo: "taskbridge.reply.gw-relay",
      expiration: "5000",
      headers: { "x-type": "demo.count", "x-principal": "anon" },
    });
    expect(message.properties.messageId).toMatch(/^[0-9a-f-]{36}$/);
    const deadline = message.properties.headers?.["x-deadline"] as number;
    expect(Math.abs(deadline - (Date.now() + 5000))).toBeLessThan(5000);
    expect(JSON.parse(new TextDecoder().decode(message.body))).toEqual({ n: 2 });
    await client.until(() => client.framesOf("r1").length === 1);
    await harness.reply(message, { kind: "chunk", body: { i: 0 }, seq: 0 });
    await harness.reply(message, { kind: "progress", body: { done: 1, total: 2 }, seq: 1 });
    await harness.reply(message, { kind: "result", body: { count: 2 }, seq: 2 });
    await harness.reply(message, { kind: "result", body: "again", seq: 3 });
    const terminal = await client.terminal("r1");
    expect(terminal).toEqual({ id: "r1", seq: 3, kind: "result", data: { count: 2 } });
    expect(client.framesOf("r1")).toEqual([
      { id: "r1", seq: 0, kind: "accepted" },
      { id: "r1", seq: 1, kind: "chunk", data: { i: 0 } },
      { id: "r1", seq: 2, kind: "progress", progress: { done: 1, total: 2 } },
      terminal,
    ]);
  });

  it("refuses bad requests by id with BAD_REQUEST or PAYLOAD_TOO_LARGE, and keeps serving", async () => {
    harness = await createGatewayHarness({ limits: { maxPayloadBytes: 1024 } });
    const queue = harness.inbox("demo.echo");
    await queue.ready;
    const client = await harness.connect();
    client.socket.emit("request", { v: 2, id: "v", type: "demo.echo" });
    client.socket.emit("request", { v: 1, id: "t", type: "Bad Type" });
    client.socket.emit("request", { v: 1, id: "to", type: "demo.echo", timeoutMs: -5 });
    client.socket.emit("request", {
      v: 1,
      id: "big",
      type: "demo.echo",
      payload: "x".repeat(5000),
    });
    for (const id of ["v", "t", "to"]) {
      await client.terminal(id);
      expect(brief(client.framesOf(id))).toEqual(["0:error:BAD_REQUEST"]);
    }
    const big = await client.terminal("big");
    expect(big).toMatchObject({ seq: 0, kind: "error", error: { code: "PAYLOAD_TOO_LARGE" } });
    client.socket.emit("request", { v: 1, id: "ok", type: "demo.echo", payload: 1 });
    await harness.reply(await queue.next(), { kind: "result", body: 1 });
    expect(await client.terminal("ok")).toMatchObject({ kind: "result", data: 1 });
    expect(client.socket.connected).toBe(true);
  });

  it("survives a 1.5 MiB payload (over the limit, under maxHttpBufferSize)", async () => {
    harness = await createGatewayHarness();
    const client = await harness.connect();
    client.socket.emit("request", {
      v: 1,
      id: "big",
      type: "demo.echo",
      payload: "x".repeat(1_500_000),
    });
    expect(await client.terminal("big")).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
    expect(client.socket.connected).toBe(true);
  });

  it("answers unusable frames with protocol_error and ignores unknown events", async () => {
    harness = await createGatewayHarness();
    const queue = harness.inbox("demo.echo");
    await queue.ready;
    const client = await harness.connect();
    client.socket.emit("request", "nope");
    client.socket.emit("request", { v: 1, type: "demo.echo" });
    client.socket.emit("cancel", { id: "" });
    client.socket.emit("resume", { id: "r", after: "x" });
    client.socket.emit("whatever", { id: "r" });
    client.socket.emit("request", { v: 1, id: "dup", type: "demo.echo", payload: 1 });
    const message = await queue.next();
    client.socket.emit("request", { v: 1, id: "dup", type: "demo.echo", payload: 2 });
    await client.until(() => client.protocolErrors.length === 5);
    expect(client.protocolErrors.map((e) => e.code)).toEqual(Array(5).fill("BAD_REQUEST"));
    expect(client.protocolErrors[3]?.details).toEqual({ id: "r" });
    expect(client.protocolErrors[4]?.details).toEqual({ id: "dup" });
    await harness.reply(message, { kind: "result", body: "first" });
    expect(await client.terminal("dup")).toMatchObject({ seq: 1, data: "first" });
    expect(brief(client.framesOf("dup"))).toEqual(["0:accepted", "1:result"]);
  });

  it("gives `__proto__` keys no effect", async () => {
    harness = await createGatewayHarness();
    const client = await harness.connect();
    client.socket.emit(
      "request",
      JSON.parse('{"__proto__": {"id": "p1", "v": 1}, "type": "taskbridge.services"}'),
    );
    client.socket.emit(
      "request",
      JSON.parse('{"__proto__": {"v": 1}, "id": "p2", "type": "taskbridge.services"}'),
    );
    await client.until(() => client.protocolErrors.length === 1);
    expect(client.protocolErrors[0]).toMatchObject({ code: "BAD_REQUEST" });
    expect(await client.terminal("p2")).toMatchObject({ seq: 0, error: { code: "BAD_REQUEST" } });
    expect(client.framesOf("p1")).toEqual([]);
    expect(Object.hasOwn(Object.prototype, "v")).toBe(false);
  });

  it("cancels at once and broadcasts the cancel to workers", async () => {
    harness = await createGatewayHarness();
    const queue = harness.inbox("demo.progress");
    await harness.worker.assertQueue("test.cancels", { exclusive: true });
    await harness.worker.bindQueue("test.cancels", "taskbridge.cancel", "");
    const cancels: unknown[] = [];
    const gotCancel = new Promise<void>((resolve) => {
      harness.worker.consume(
        "test.cancels",
        (m) => {
          cancels.push(JSON.parse(new TextDecoder().decode(m.body)));
          resolve();
        },
        { noAck: true },
      );
    });
    await queue.ready;
    const client = await harness.connect();
    client.socket.emit("request", { v: 1, id: "c1", type: "demo.progress", payload: {} });
    const message = await queue.next();
    await client.until(() => client.framesOf("c1").length === 1);
    client.socket.emit("cancel", { id: "c1" });
    client.socket.emit("cancel", { id: "unknown" });
    expect(await client.terminal("c1")).toMatchObject({ seq: 1, error: cancelledError() });
    await gotCancel;
    expect(cancels).toEqual([
      {
        correlationId: message.properties.correlationId,
        deadline: message.properties.headers?.["x-deadline"],
      },
    ]);
    await harness.reply(message, { kind: "result", body: "too late" });
    client.socket.emit("request", { v: 1, id: "probe", type: "taskbridge.services" });
    await client.terminal("probe");
    expect(brief(client.framesOf("c1"))).toEqual(["0:accepted", "1:error:CANCELLED"]);
  });

  it("ends a request with TIMEOUT when its timer fires", async () => {
    harness = await createGatewayHarness();
    const queue = harness.inbox("demo.slow");
    await queue.ready;
    const client = await harness.connect();
    client.socket.emit("request", {
      v: 1,
      id: "t1",
      type: "demo.slow",
      payload: null,
      timeoutMs: 150,
    });
    // Retryable, like both client transports' local TIMEOUT: a retry may well succeed.
    expect(await client.terminal("t1")).toMatchObject({
      seq: 1,
      error: { code: "TIMEOUT", message: "no result within 150 ms", retryable: true },
    });
  });

  it("sends restart on a higher attempt and on x-seq 0 again", async () => {
    harness = await createGatewayHarness();
    const queue = harness.inbox("demo.count");
    await queue.ready;
    const client = await harness.connect();
    client.socket.emit("request", { v: 1, id: "r", type: "demo.count", payload: { n: 1 } });
    const message = await queue.next();
    await harness.reply(message, { kind: "chunk", body: 0, seq: 0, attempt: 1 });
    await harness.reply(message, { kind: "chunk", body: 0, seq: 0, attempt: 2 });
    await harness.reply(message, { kind: "chunk", body: 0, seq: 0, attempt: 2 });
    await harness.reply(message, { kind: "result", body: 1, seq: 1, attempt: 2 });
    await client.terminal("r");
    expect(
      client.framesOf("r").map((f) => (f.kind === "restart" ? `restart${f.attempt}` : f.kind)),
    ).toEqual(["accepted", "chunk", "restart2", "chunk", "restart3", "chunk", "result"]);
  });

  it("turns dead letters into WORKER_CRASHED or TIMEOUT and ignores other gateways'", async () => {
    harness = await createGatewayHarness({ gatewayId: `gw-${randomId(6)}` });
    const queue = harness.inbox("demo.crash");
    await queue.ready;
    const client = await harness.connect();
    const deadLetter = (message: DeliveredMessage, reason: string, replyTo?: string) =>
      harness.worker.publish("taskbridge.dead", "", message.body, {
        ...message.properties,
        replyTo: replyTo ?? message.properties.replyTo,
        headers: { ...message.properties.headers, "x-first-death-reason": reason },
      });
    client.socket.emit("request", { v: 1, id: "a", type: "demo.crash", payload: null });
    client.socket.emit("request", { v: 1, id: "b", type: "demo.crash", payload: null });
    const a = await queue.next();
    const b = await queue.next();
    await deadLetter(a, "delivery_limit", "taskbridge.reply.someone-else");
    await deadLetter(a, "delivery_limit");
    await deadLetter(b, "expired");
    expect(await client.terminal("a")).toMatchObject({
      error: { code: "WORKER_CRASHED", details: { reason: "delivery_limit" } },
    });
    expect(await client.terminal("b")).toMatchObject({
      error: { code: "TIMEOUT", details: { reason: "expired" }, retryable: true },
    });
    expect(brief(client.framesOf("a"))).toEqual(["0:accepted", "1:error:WORKER_CRASHED"]);
  });
});
