import { createError, createSessionId } from "@taskbridge/core/protocol";
import { createGatewayHarness, type GatewayHarness } from "../testing/createGatewayHarness.js";
import type { Authenticate } from "./authenticateHandshake.js";
import { definePlugin } from "./definePlugin.js";
import { createRolePlugin } from "./plugins/createRolePlugin.js";

const users: Record<string, { principal: string; claims: { roles: string[] } }> = {
  "alice-token": { principal: "alice", claims: { roles: ["admin"] } },
  "bob-token": { principal: "bob", claims: { roles: [] } },
};

const authenticate: Authenticate = ({ token }) => {
  if (token === "throw") throw new Error("db down");
  return typeof token === "string" && Object.hasOwn(users, token) ? users[token] : false;
};

describe("gateway security", () => {
  let harness: GatewayHarness;
  afterEach(async () => {
    await harness.close();
  });

  it("refuses a cross-origin handshake and accepts same-origin, localhost and non-browser ones", async () => {
    harness = await createGatewayHarness();
    await expect(harness.refused({ origin: "https://evil.example" })).resolves.toBeDefined();
    await expect(harness.connect({ origin: "http://localhost:5173" })).resolves.toBeDefined();
    await expect(harness.connect({ origin: harness.url })).resolves.toBeDefined();
    await expect(harness.connect()).resolves.toBeDefined();
  });

  it("accepts exactly the configured origins", async () => {
    harness = await createGatewayHarness({ allowedOrigins: ["https://app.example.com"] });
    await expect(harness.connect({ origin: "https://app.example.com" })).resolves.toBeDefined();
    await expect(harness.refused({ origin: "http://localhost:5173" })).resolves.toBeDefined();
  });

  it("refuses a handshake without a valid sessionId with BAD_REQUEST", async () => {
    harness = await createGatewayHarness();
    expect(await harness.refused({ auth: {} })).toMatchObject({ code: "BAD_REQUEST" });
    expect(await harness.refused({ auth: { sessionId: "short" } })).toMatchObject({
      code: "BAD_REQUEST",
    });
    expect(await harness.refused({ auth: { sessionId: `${"a".repeat(20)}!` } })).toMatchObject({
      code: "BAD_REQUEST",
    });
  });

  it("refuses a handshake the authenticate hook rejects with UNAUTHORIZED", async () => {
    harness = await createGatewayHarness({ authenticate });
    const refusal = { code: "UNAUTHORIZED", message: "authentication failed" };
    expect(await harness.refused({ token: "wrong" })).toEqual(refusal);
    expect(await harness.refused({})).toEqual(refusal);
    expect(await harness.refused({ token: "throw" })).toEqual(refusal);
    await expect(harness.connect({ token: "alice-token" })).resolves.toBeDefined();
  });

  it("keys requests by principal and session: another session can neither cancel nor resume them", async () => {
    harness = await createGatewayHarness({ authenticate });
    const queue = harness.inbox("demo.echo");
    await queue.ready;
    const sessionId = createSessionId();
    const alice = await harness.connect({ sessionId, token: "alice-token" });
    const bob = await harness.connect({ sessionId, token: "bob-token" });
    const stranger = await harness.connect({ token: "alice-token" });
    alice.socket.emit("request", { v: 1, id: "r", type: "demo.echo", payload: 1 });
    const message = await queue.next();
    expect(message.properties.correlationId).toBe(`alice:${sessionId}:r`);
    expect(message.properties.headers?.["x-principal"]).toBe("alice");
    for (const other of [bob, stranger]) {
      other.socket.emit("cancel", { id: "r" });
      other.socket.emit("resume", { id: "r", after: -1 });
      expect(await other.terminal("r")).toMatchObject({ seq: 0, error: { code: "NOT_FOUND" } });
    }
    await harness.reply(message, { kind: "result", body: "mine" });
    expect(await alice.terminal("r")).toMatchObject({ seq: 1, kind: "result", data: "mine" });
    expect(bob.framesOf("r")).toHaveLength(1);
    expect(stranger.framesOf("r")).toHaveLength(1);
  });

  it("authorizes by role through a plugin, before anything is published", async () => {
    harness = await createGatewayHarness({
      authenticate,
      plugins: [createRolePlugin({ rules: [{ match: /^admin\./, roles: ["admin"] }] })],
    });
    const queue = harness.inbox("admin.purge");
    await queue.ready;
    const bob = await harness.connect({ token: "bob-token" });
    bob.socket.emit("request", { v: 1, id: "p", type: "admin.purge", payload: null });
    expect(await bob.terminal("p")).toMatchObject({ seq: 0, error: { code: "FORBIDDEN" } });
    const alice = await harness.connect({ token: "alice-token" });
    alice.socket.emit("request", { v: 1, id: "p", type: "admin.purge", payload: null });
    const message = await queue.next();
    expect(message.properties.headers?.["x-principal"]).toBe("alice");
    await harness.reply(message, { kind: "result", body: "purged" });
    expect(await alice.terminal("p")).toMatchObject({ kind: "result", data: "purged" });
  });

  it("fails only the affected request when a plugin throws", async () => {
    harness = await createGatewayHarness({
      plugins: [
        definePlugin({
          name: "fragile",
          match: "demo.fragile",
          onReply: (frame) => {
            if (frame.kind === "chunk") throw new Error("boom");
            return frame;
          },
        }),
        definePlugin({
          name: "refuser",
          match: "demo.refused",
          beforePublish: () => createError("RATE_LIMITED", "quota used up"),
        }),
      ],
    });
    const fragile = harness.inbox("demo.fragile");
    const echo = harness.inbox("demo.echo");
    await Promise.all([fragile.ready, echo.ready]);
    const client = await harness.connect();
    client.socket.emit("request", { v: 1, id: "f", type: "demo.fragile", payload: null });
    client.socket.emit("request", { v: 1, id: "q", type: "demo.refused", payload: null });
    client.socket.emit("request", { v: 1, id: "e", type: "demo.echo", payload: null });
    const f = await fragile.next();
    await harness.reply(f, { kind: "chunk", body: 1 });
    expect(await client.terminal("f")).toMatchObject({ error: { code: "INTERNAL" } });
    expect(await client.terminal("q")).toMatchObject({
      seq: 0,
      error: { code: "RATE_LIMITED", message: "quota used up" },
    });
    await harness.reply(await echo.next(), { kind: "result", body: "fine" });
    expect(await client.terminal("e")).toMatchObject({ kind: "result", data: "fine" });
  });

  it("ends a request whose plugin never answers with TIMEOUT", async () => {
    harness = await createGatewayHarness({
      plugins: [
        definePlugin({
          name: "stuck",
          match: "demo.stuck",
          authorize: () => new Promise<boolean>(() => {}),
        }),
      ],
    });
    const client = await harness.connect();
    client.socket.emit("request", {
      v: 1,
      id: "s",
      type: "demo.stuck",
      payload: null,
      timeoutMs: 100,
    });
    expect(await client.terminal("s")).toMatchObject({ seq: 0, error: { code: "TIMEOUT" } });
  });

  it("limits requests in flight and the request rate per session with RATE_LIMITED", async () => {
    harness = await createGatewayHarness({
      limits: { maxInFlightPerSession: 1, rateLimit: { tokens: 2, perMs: 3_600_000 } },
    });
    const queue = harness.inbox("demo.echo");
    await queue.ready;
    const client = await harness.connect();
    client.socket.emit("request", { v: 1, id: "a", type: "demo.echo", payload: 1 });
    client.socket.emit("request", { v: 1, id: "b", type: "demo.echo", payload: 2 });
    expect(await client.terminal("b")).toMatchObject({
      seq: 0,
      error: { code: "RATE_LIMITED", retryable: true },
    });
    await harness.reply(await queue.next(), { kind: "result", body: 1 });
    await client.terminal("a");
    client.socket.emit("request", { v: 1, id: "c", type: "demo.echo", payload: 3 });
    await harness.reply(await queue.next(), { kind: "result", body: 3 });
    expect(await client.terminal("c")).toMatchObject({ kind: "result" });
    client.socket.emit("request", { v: 1, id: "d", type: "demo.echo", payload: 4 });
    expect(await client.terminal("d")).toMatchObject({ error: { code: "RATE_LIMITED" } });
    const other = await harness.connect();
    other.socket.emit("request", { v: 1, id: "e", type: "taskbridge.services" });
    expect(await other.terminal("e")).toMatchObject({ kind: "result" });
  });
});
