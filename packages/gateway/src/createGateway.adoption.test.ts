import { DEAD_EXCHANGE, REGISTRY_EXCHANGE, replyQueueName } from "@taskbridge/broker";
import { createSessionId, type ReplyFrame, randomId } from "@taskbridge/core/protocol";
import { createManualTimers } from "@taskbridge/core/testing";
import { brief } from "../testing/brief.js";
import {
  type ConnectOptions,
  createGatewayHarness,
  type GatewayHarness,
} from "../testing/createGatewayHarness.js";

// docs/protocol.md §14.3: two gateways with reply streams on one memory server; a 1.1 client
// moves from the owner A to B, which adopts the request from A's stream.

const v11 = (sessionId: string, token?: string): ConnectOptions => ({
  sessionId,
  auth: { sessionId, protocol: "1.1", ...(token === undefined ? {} : { token }) },
});

const acceptedOf = (frames: readonly ReplyFrame[]) => {
  const accepted = frames.find((frame) => frame.kind === "accepted");
  if (accepted?.kind !== "accepted" || accepted.gateway === undefined || accepted.at === undefined)
    throw new Error(`no 1.1 accepted frame in ${JSON.stringify(frames)}`);
  return { gateway: accepted.gateway, at: accepted.at };
};

describe("resume on any gateway (reply streams)", () => {
  const harnesses: GatewayHarness[] = [];
  const pair = async (options: Parameters<typeof createGatewayHarness>[0] = {}) => {
    const suffix = randomId(6);
    const a = await createGatewayHarness({
      gatewayId: `gw-a-${suffix}`,
      replyQueueType: "stream",
      ...options,
    });
    harnesses.push(a);
    const b = await createGatewayHarness({
      gatewayId: `gw-b-${suffix}`,
      replyQueueType: "stream",
      server: a.server,
      authenticate: options.authenticate,
    });
    harnesses.push(b);
    return { a, b };
  };
  afterEach(async () => {
    for (const harness of harnesses.splice(0).reverse()) await harness.close();
  });

  it("ends its requests in flight with a retryable UNAVAILABLE after its broker connection failed over", async () => {
    // RabbitMQ 3.10 streams may lose confirmed replies while a leader fails over
    // (rabbitmq-server#9457): after a lost connection the gateway cannot tell, so it says so.
    const { a } = await pair();
    const queue = a.inbox("demo.count");
    await queue.ready;
    const client = await a.connect(v11(createSessionId()));
    client.socket.emit("request", { v: 1, id: "r", type: "demo.count", payload: { n: 5 } });
    const message = await queue.next();
    await a.reply(message, { kind: "chunk", body: 0, seq: 0 });
    await client.until(() => client.framesOf("r").length === 2);
    a.memoryBroker!.disconnect();
    a.memoryBroker!.reconnect();
    const end = await client.terminal("r");
    expect(end).toMatchObject({
      kind: "error",
      seq: 2,
      error: { code: "UNAVAILABLE", retryable: true, details: { reason: "broker-failover" } },
    });
    // A reply that arrives afterwards changes nothing: one terminal frame.
    await a.reply(message, { kind: "result", body: { count: 5 }, seq: 1 });
    expect(
      client.framesOf("r").filter((f) => f.kind === "result" || f.kind === "error"),
    ).toHaveLength(1);
  });

  it("gives the rest of a stream exactly once after the owner died, with one terminal frame", async () => {
    const { a, b } = await pair();
    const queue = a.inbox("demo.count");
    await queue.ready;
    const sessionId = createSessionId();
    const first = await a.connect(v11(sessionId));
    first.socket.emit("request", { v: 1, id: "r", type: "demo.count", payload: { n: 5 } });
    const message = await queue.next();
    for (let i = 0; i < 3; i++) await a.reply(message, { kind: "chunk", body: i, seq: i });
    await first.until(() => first.framesOf("r").length === 4);
    const origin = acceptedOf(first.framesOf("r"));
    expect(origin.gateway).toBe(a.gateway.gatewayId);
    // A dies: its broker connection goes, its sockets with it; nothing ends the request.
    a.memoryBroker!.disconnect();
    await a.gateway.close();
    await a.reply(message, { kind: "chunk", body: 3, seq: 3 });
    const second = await b.connect(v11(sessionId));
    // The client saw up to seq 2 (chunk 1): seq 3 onwards is due.
    second.socket.emit("resume", { id: "r", after: 2, ...origin });
    await second.until(() => second.framesOf("r").length === 2);
    await a.reply(message, { kind: "chunks", body: [4], seq: 4 });
    await a.reply(message, { kind: "result", body: { count: 5 }, seq: 5 });
    await second.terminal("r");
    // A 1.1 socket: the batch of one comes as a batch, at the owner's seq.
    expect(brief(second.framesOf("r"))).toEqual(["3:chunk", "4:chunk", "5:chunks", "6:result"]);
    expect(second.framesOf("r").map((f) => ("data" in f ? f.data : f.kind))).toEqual([
      2,
      3,
      [4],
      { count: 5 },
    ]);
  });

  it("adopts from its own stream after a restart with the same id, each reply once", async () => {
    const { a } = await pair();
    const queue = a.inbox("demo.count");
    await queue.ready;
    const sessionId = createSessionId();
    const first = await a.connect(v11(sessionId));
    first.socket.emit("request", { v: 1, id: "r", type: "demo.count", payload: null });
    const message = await queue.next();
    await a.reply(message, { kind: "chunk", body: 0, seq: 0 });
    await first.until(() => first.framesOf("r").length === 2);
    const origin = acceptedOf(first.framesOf("r"));
    a.memoryBroker!.disconnect();
    await a.gateway.close();
    const restarted = await createGatewayHarness({
      gatewayId: a.gateway.gatewayId,
      replyQueueType: "stream",
      server: a.server,
    });
    harnesses.push(restarted);
    const second = await restarted.connect(v11(sessionId));
    second.socket.emit("resume", { id: "r", after: 0, ...origin });
    await second.until(() => second.framesOf("r").length === 1);
    // Its own consumer reads these too: only the adopted request's reader may route them.
    await a.reply(message, { kind: "chunk", body: 1, seq: 1 });
    await second.until(() => second.framesOf("r").length === 2);
    await a.reply(message, { kind: "result", body: "done", seq: 2 });
    await second.terminal("r");
    expect(brief(second.framesOf("r"))).toEqual(["1:chunk", "2:chunk", "3:result"]);
  });

  it("answers a stranger's resume NOT_FOUND: sessions stay bound to their principal", async () => {
    const authenticate = ({ token }: { token: unknown }) => ({ principal: String(token) });
    const { a, b } = await pair({ authenticate });
    const queue = a.inbox("demo.echo");
    await queue.ready;
    const sessionId = createSessionId();
    const alice = await a.connect(v11(sessionId, "alice"));
    alice.socket.emit("request", { v: 1, id: "r", type: "demo.echo", payload: 1 });
    const message = await queue.next();
    await alice.until(() => alice.framesOf("r").length === 1);
    const origin = acceptedOf(alice.framesOf("r"));
    // Same session id, same request id, other principal: another request key.
    const mallory = await b.connect(v11(sessionId, "mallory"));
    mallory.socket.emit("resume", { id: "r", after: 0, ...origin });
    expect(await mallory.terminal("r")).toMatchObject({
      seq: 1,
      kind: "error",
      error: { code: "NOT_FOUND" },
    });
    // Alice's request is untouched at A.
    await a.reply(message, { kind: "result", body: 1 });
    expect(
      brief(
        await alice.until(() => alice.framesOf("r").length === 2).then(() => alice.framesOf("r")),
      ),
    ).toEqual(["0:accepted", "1:result"]);
  });

  it("takes over a silent request from a live owner, which forgets it without a frame or a cancel", async () => {
    const timers = createManualTimers(Date.now());
    // A's timers stand still: an `accepted` held for a quick reply (§14.4) would never go.
    const { a, b } = await pair({ timers, limits: { acceptedHoldMs: 0 } });
    const queue = a.inbox("demo.slow");
    await queue.ready;
    const sessionId = createSessionId();
    const first = await a.connect(v11(sessionId));
    first.socket.emit("request", { v: 1, id: "r", type: "demo.slow", payload: null });
    const message = await queue.next();
    await first.until(() => first.framesOf("r").length === 1);
    const origin = acceptedOf(first.framesOf("r"));
    first.close();
    // B's claim on A's request, as the registry carries it to A.
    await a.worker.assertQueue(`claims-${origin.gateway}`, { exclusive: true });
    await a.worker.bindQueue(`claims-${origin.gateway}`, REGISTRY_EXCHANGE, "claim.#");
    const claimed = new Promise<string>((resolve) => {
      void a.worker.consume(`claims-${origin.gateway}`, (m) => resolve(m.routingKey), {
        noAck: true,
      });
    });
    const timersBefore = timers.pending();
    const second = await b.connect(v11(sessionId));
    // Nothing but A's record of the request is in its stream: B finds it and waits.
    second.socket.emit("resume", { id: "r", after: 0, ...origin });
    // A takes the claim in the same delivery round as this queue: before the reply is written.
    expect(await claimed).toBe(`claim.${origin.gateway}`);
    await a.reply(message, { kind: "result", body: "late" });
    expect(await second.terminal("r")).toEqual({ id: "r", seq: 1, kind: "result", data: "late" });
    expect(second.framesOf("r")).toHaveLength(1);
    // A holds nothing, and its timer for the request is gone: no TIMEOUT, no cancel.
    expect(a.gateway.stats()).toEqual({ sessions: 0, requests: 0 });
    expect(timers.pending()).toBe(timersBefore - 1);
  });

  it("answers NOT_FOUND when the named stream does not exist", async () => {
    const { b } = await pair();
    const client = await b.connect(v11(createSessionId()));
    client.socket.emit("resume", { id: "r", after: 3, gateway: "gw-nowhere", at: Date.now() });
    expect(await client.terminal("r")).toMatchObject({
      seq: 4,
      kind: "error",
      error: { code: "NOT_FOUND" },
    });
    expect(b.gateway.stats().requests).toBe(1); // held, ended, for the retention time
    // An `at` older than the longest timeout names no running request: not even read.
    client.socket.emit("resume", { id: "old", after: 0, gateway: b.gateway.gatewayId, at: 0 });
    expect(await client.terminal("old")).toMatchObject({ seq: 1, error: { code: "NOT_FOUND" } });
    expect(b.gateway.stats().requests).toBe(1);
  });

  it("ends an adopted request by its dead letter, which names the owner's stream", async () => {
    const { a, b } = await pair();
    const queue = a.inbox("demo.echo");
    await queue.ready;
    const sessionId = createSessionId();
    const first = await a.connect(v11(sessionId));
    first.socket.emit("request", { v: 1, id: "r", type: "demo.echo", payload: 1 });
    const message = await queue.next();
    await first.until(() => first.framesOf("r").length === 1);
    const origin = acceptedOf(first.framesOf("r"));
    first.close();
    const second = await b.connect(v11(sessionId));
    second.socket.emit("resume", { id: "r", after: 0, ...origin });
    await a.reply(message, { kind: "chunk", body: "x", seq: 0 });
    await second.until(() => second.framesOf("r").length === 1);
    await a.worker.publish(DEAD_EXCHANGE, "", "1", {
      correlationId: message.properties.correlationId,
      replyTo: replyQueueName(origin.gateway),
      headers: { "x-first-death-reason": "delivery_limit" },
    });
    expect(await second.terminal("r")).toMatchObject({
      seq: 2,
      error: { code: "WORKER_CRASHED", details: { reason: "delivery_limit" } },
    });
  });

  it("keeps version 1 clients as they were: no gateway or at, resume on the same gateway only", async () => {
    const { a, b } = await pair();
    const queue = a.inbox("demo.count");
    await queue.ready;
    const sessionId = createSessionId();
    const first = await a.connect({ sessionId });
    first.socket.emit("request", { v: 1, id: "r", type: "demo.count", payload: null });
    const message = await queue.next();
    await a.reply(message, { kind: "chunk", body: 0, seq: 0 });
    await first.until(() => first.framesOf("r").length === 2);
    expect(first.framesOf("r")[0]).toEqual({ id: "r", seq: 0, kind: "accepted" });
    first.close();
    const elsewhere = await b.connect({ sessionId });
    elsewhere.socket.emit("resume", { id: "r", after: 1 });
    expect(await elsewhere.terminal("r")).toMatchObject({ seq: 2, error: { code: "NOT_FOUND" } });
    const again = await a.connect({ sessionId });
    again.socket.emit("resume", { id: "r", after: 0 });
    await a.reply(message, { kind: "result", body: "done", seq: 1 });
    await again.terminal("r");
    expect(brief(again.framesOf("r"))).toEqual(["1:chunk", "2:result"]);
  });
});
