import { createSessionId, type WireReplyFrame } from "@taskbridge/core/protocol";
import {
  createGatewayHarness,
  type GatewayHarness,
  type TestClient,
} from "../testing/createGatewayHarness.js";

// Batched chunks, docs/protocol.md §14.1–§14.2: the gateway asks workers for them, reads a
// `chunks` reply as its chunks, and sends them whole to 1.1 sockets, one by one to v1 sockets.

/** What a socket received for `id`, batches included (a 1.1 socket may get `chunks` frames). */
const wireOf = (client: TestClient, id: string): readonly WireReplyFrame[] => client.framesOf(id);

const connectAs = (harness: GatewayHarness, protocol: string | undefined, sessionId?: string) => {
  const session = sessionId ?? createSessionId();
  return harness.connect({
    auth: protocol === undefined ? { sessionId: session } : { sessionId: session, protocol },
  });
};

describe("chunks replies (protocol 1.1)", () => {
  let harness: GatewayHarness;
  afterEach(async () => {
    await harness.close();
  });

  it("asks workers for batches, and sends one whole to a 1.1 socket, chunk by chunk to others", async () => {
    harness = await createGatewayHarness();
    const queue = harness.inbox("demo.count");
    await queue.ready;
    const clients = {
      v11: await connectAs(harness, "1.1"),
      v1: await connectAs(harness, undefined),
      later: await connectAs(harness, "1.2"),
    };
    for (const [name, client] of Object.entries(clients)) {
      client.socket.emit("request", { v: 1, id: name, type: "demo.count", payload: null });
      const message = await queue.next();
      expect(message.properties.headers).toMatchObject({ "x-accept": "chunks" });
      await harness.reply(message, { kind: "chunk", body: "a", seq: 0 });
      await harness.reply(message, { kind: "chunks", body: ["b", { c: 1 }, null], seq: 1 });
      await harness.reply(message, { kind: "progress", body: { done: 1 }, seq: 4 });
      await harness.reply(message, { kind: "chunks", body: ["e"], seq: 5 });
      await harness.reply(message, { kind: "result", body: "done", seq: 6 });
      await client.terminal(name);
    }
    expect(wireOf(clients.v11, "v11")).toEqual([
      { id: "v11", seq: 0, kind: "accepted" },
      { id: "v11", seq: 1, kind: "chunk", data: "a" },
      { id: "v11", seq: 2, kind: "chunks", data: ["b", { c: 1 }, null] },
      { id: "v11", seq: 5, kind: "progress", progress: { done: 1 } },
      { id: "v11", seq: 6, kind: "chunks", data: ["e"] },
      { id: "v11", seq: 7, kind: "result", data: "done" },
    ]);
    for (const id of ["v1", "later"] as const) {
      expect(wireOf(clients[id], id)).toEqual([
        { id, seq: 0, kind: "accepted" },
        { id, seq: 1, kind: "chunk", data: "a" },
        { id, seq: 2, kind: "chunk", data: "b" },
        { id, seq: 3, kind: "chunk", data: { c: 1 } },
        { id, seq: 4, kind: "chunk", data: null },
        { id, seq: 5, kind: "progress", progress: { done: 1 } },
        { id, seq: 6, kind: "chunk", data: "e" },
        { id, seq: 7, kind: "result", data: "done" },
      ]);
    }
  });

  it("drops a batch that is not an array of x-count chunks", async () => {
    harness = await createGatewayHarness();
    const queue = harness.inbox("demo.count");
    await queue.ready;
    const client = await connectAs(harness, "1.1");
    client.socket.emit("request", { v: 1, id: "r", type: "demo.count", payload: null });
    const message = await queue.next();
    await harness.reply(message, { kind: "chunks", body: ["a", "b"], seq: 0, count: 3 });
    await harness.reply(message, { kind: "chunks", body: { 0: "a" }, seq: 0, count: 1 });
    await harness.reply(message, { kind: "chunks", body: [], seq: 0 });
    await harness.reply(message, { kind: "chunks", body: ["c", "d"], seq: 0 });
    await harness.reply(message, { kind: "result", body: null, seq: 2 });
    await client.terminal("r");
    expect(wireOf(client, "r")).toEqual([
      { id: "r", seq: 0, kind: "accepted" },
      { id: "r", seq: 1, kind: "chunks", data: ["c", "d"] },
      { id: "r", seq: 3, kind: "result", data: null },
    ]);
  });

  it("resumes inside a batch with its rest: as a batch to a 1.1 socket, as chunks to a v1 socket", async () => {
    harness = await createGatewayHarness();
    const queue = harness.inbox("demo.count");
    await queue.ready;
    const sessionId = createSessionId();
    const first = await connectAs(harness, "1.1", sessionId);
    first.socket.emit("request", { v: 1, id: "r", type: "demo.count", payload: null });
    const message = await queue.next();
    await harness.reply(message, { kind: "chunks", body: [0, 1, 2, 3, 4], seq: 0 });
    await first.until(() => first.framesOf("r").length === 2);
    expect(wireOf(first, "r")[1]).toEqual({
      id: "r",
      seq: 1,
      kind: "chunks",
      data: [0, 1, 2, 3, 4],
    });
    first.close();

    const v1 = await connectAs(harness, undefined, sessionId);
    v1.socket.emit("resume", { id: "r", after: 2 });
    await v1.until(() => v1.framesOf("r").length === 3);
    expect(wireOf(v1, "r")).toEqual([
      { id: "r", seq: 3, kind: "chunk", data: 2 },
      { id: "r", seq: 4, kind: "chunk", data: 3 },
      { id: "r", seq: 5, kind: "chunk", data: 4 },
    ]);

    const again = await connectAs(harness, "1.1", sessionId);
    again.socket.emit("resume", { id: "r", after: 3 });
    await again.until(() => again.framesOf("r").length === 1);
    await harness.reply(message, { kind: "result", body: "done", seq: 5 });
    await again.terminal("r");
    expect(wireOf(again, "r")).toEqual([
      { id: "r", seq: 4, kind: "chunks", data: [3, 4] },
      { id: "r", seq: 6, kind: "result", data: "done" },
    ]);
    // Up to date: nothing to replay, and the terminal frame is held like any other.
    again.socket.emit("resume", { id: "r", after: 5 });
    await again.until(() => again.framesOf("r").length === 3);
    expect(wireOf(again, "r")[2]).toEqual({ id: "r", seq: 6, kind: "result", data: "done" });
  });
});
