import { createSessionId, randomId } from "@taskbridge/core/protocol";
import { createGatewayHarness, type GatewayHarness } from "../testing/createGatewayHarness.js";

const get = async (url: string) => {
  const response = await fetch(url);
  return { status: response.status, text: await response.text() };
};

describe("gateway operations", () => {
  const harnesses: GatewayHarness[] = [];
  const start = async (...args: Parameters<typeof createGatewayHarness>) => {
    const harness = await createGatewayHarness(...args);
    harnesses.push(harness);
    return harness;
  };
  afterEach(async () => {
    for (const harness of harnesses.splice(0).reverse()) await harness.close();
  });

  it("answers /healthz with 200 while connected to the broker and 503 while not", async () => {
    const harness = await start();
    expect(await get(`${harness.url}/healthz`)).toEqual({ status: 200, text: '{"status":"ok"}' });
    harness.memoryBroker!.disconnect();
    expect(await get(`${harness.url}/healthz`)).toMatchObject({ status: 503 });
    const client = await harness.connect();
    client.socket.emit("request", { v: 1, id: "r", type: "demo.echo", payload: null });
    expect(await client.terminal("r")).toMatchObject({
      seq: 0,
      error: { code: "UNAVAILABLE", retryable: true },
    });
    harness.memoryBroker!.reconnect();
    expect(await get(`${harness.url}/healthz`)).toMatchObject({ status: 200 });
    expect((await get(`${harness.url}/nope`)).status).toBe(404);
  });

  it("exposes Prometheus metrics on /metrics", async () => {
    const harness = await start();
    const queue = harness.inbox("demo.echo");
    await queue.ready;
    const client = await harness.connect();
    client.socket.emit("request", { v: 1, id: "a", type: "demo.echo", payload: 1 });
    await harness.reply(await queue.next(), { kind: "result", body: 1 });
    await client.terminal("a");
    client.socket.emit("request", { v: 1, id: "b", type: "Nope", payload: 1 });
    client.socket.emit("request", "junk");
    client.socket.emit("request", { v: 1, id: "c", type: `t.${randomId(6).toLowerCase()}` });
    await client.terminal("b");
    await client.terminal("c");
    await client.until(() => client.protocolErrors.length === 1);
    const { status, text } = await get(`${harness.url}/metrics`);
    expect(status).toBe(200);
    expect(text).toContain(
      'taskbridge_gateway_requests_total{type="demo.echo",outcome="result"} 1',
    );
    expect(text).toContain('taskbridge_gateway_requests_total{type="-",outcome="BAD_REQUEST"} 1');
    expect(text).toContain('taskbridge_gateway_requests_total{type="-",outcome="UNKNOWN_TYPE"} 1');
    expect(text).toContain("taskbridge_gateway_requests_in_flight 0");
    expect(text).toMatch(
      /taskbridge_gateway_request_duration_seconds_count\{type="demo.echo",outcome="result"\} 1/,
    );
    expect(text).toContain("taskbridge_gateway_protocol_errors_total 1");
    expect(text).toContain("taskbridge_gateway_requests_forgotten_early_total 0");
    expect(text).toContain("taskbridge_gateway_broker_connected 1");
    expect(text).toContain("taskbridge_gateway_sockets_connected 1");
  });

  it("on drain refuses new requests with UNAVAILABLE (retryable) and leaves requests in flight open", async () => {
    const harness = await start();
    const queue = harness.inbox("demo.echo");
    await queue.ready;
    const client = await harness.connect();
    client.socket.emit("request", { v: 1, id: "a", type: "demo.echo", payload: 1 });
    await queue.next();
    await client.until(() => client.framesOf("a").length === 1);
    await harness.gateway.drain();
    client.socket.emit("request", { v: 1, id: "b", type: "demo.echo", payload: 1 });
    expect(await client.terminal("b")).toMatchObject({
      seq: 0,
      error: { code: "UNAVAILABLE", retryable: true },
    });
    expect(client.framesOf("a")).toHaveLength(1);
    expect((await get(`${harness.url}/healthz`)).status).toBe(503);
  });

  it("re-attaches a predecessor's request on resume after a restart with the same gateway id", async () => {
    const gatewayId = `gw-${randomId(8)}`;
    const first = await start({ gatewayId });
    const queue = first.inbox("demo.count");
    await queue.ready;
    const sessionId = createSessionId();
    const before = await first.connect({ sessionId });
    before.socket.emit("request", { v: 1, id: "r", type: "demo.count", payload: null });
    const message = await queue.next();
    await first.reply(message, { kind: "chunk", body: 0, seq: 0 });
    await before.until(() => before.framesOf("r").length === 2);
    await first.gateway.drain();
    await first.gateway.close();
    await first.reply(message, { kind: "chunk", body: 1, seq: 1 }); // waits in the reply queue
    const second = await start({
      gatewayId,
      server: first.server,
      limits: { orphanWindowMs: 10_000 },
    });
    const after = await second.connect({ sessionId });
    after.socket.emit("resume", { id: "r", after: 1, timeoutMs: 10_000 });
    await after.until(() => after.framesOf("r").length === 1);
    await second.reply(message, { kind: "result", body: "done", seq: 2 });
    await after.terminal("r");
    expect(after.framesOf("r")).toEqual([
      { id: "r", seq: 2, kind: "chunk", data: 1 },
      { id: "r", seq: 3, kind: "result", data: "done" },
    ]);
  });

  it("after a restart answers a resume with NOT_FOUND when no frame came in the window", async () => {
    const harness = await start({ limits: { orphanWindowMs: 300 } });
    const client = await harness.connect();
    client.socket.emit("resume", { id: "lost", after: 3 });
    expect(await client.terminal("lost")).toMatchObject({
      seq: 4,
      kind: "error",
      error: { code: "NOT_FOUND" },
    });
  });

  it("after a restart ends a re-attached request with TIMEOUT within the resume's timeoutMs", async () => {
    const harness = await start({ limits: { orphanWindowMs: 10_000 } });
    const client = await harness.connect();
    client.socket.emit("resume", { id: "slow", after: 0, timeoutMs: 200 });
    expect(await client.terminal("slow")).toMatchObject({ seq: 1, error: { code: "TIMEOUT" } });
  });
});
