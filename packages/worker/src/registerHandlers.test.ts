import type { Broker, DeliveredMessage } from "@taskbridge/broker";
import {
  createMemoryBroker,
  createMemoryServer,
  type MemoryBroker,
  requestQueueOptions,
} from "@taskbridge/broker";
import {
  createError,
  defineHandlers,
  type HandlerContext,
  type Logger,
  silentLogger,
} from "@taskbridge/core/protocol";
import { referenceHandlers } from "@taskbridge/core/reference";
import { createManualTimers } from "@taskbridge/core/testing";
import {
  type AmqpTestClient,
  createAmqpTestClient,
} from "../../../test/contracts/createAmqpTestClient.js";
import { type RegisterHandlersOptions, registerHandlers, type Worker } from "./registerHandlers.js";

const waitAbort = (signal: AbortSignal) =>
  new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));

/** Resolvers the tests open to let a handler go on. */
const gates = new Map<string, () => void>();
const gate = (name: string) =>
  new Promise<void>((resolve) => {
    gates.set(name, resolve);
  });

/** Resolvers a handler calls once it runs, so a test knows it started. */
const running = new Map<string, () => void>();
const whenRunning = (name: string) =>
  new Promise<void>((resolve) => {
    running.set(name, resolve);
  });

const letters = function* () {
  yield "x";
  yield "y";
};

const handlers = defineHandlers({
  "t.echo": (payload: unknown) => payload,
  "t.ctx": (_payload: unknown, ctx: HandlerContext) => ({
    id: ctx.id,
    type: ctx.type,
    attempt: ctx.attempt,
    principal: ctx.principal,
    deadline: ctx.deadline,
  }),
  "t.count": async function* ({ n }: { n: number }) {
    for (let i = 0; i < n; i++) yield { i };
    return "ignored";
  },
  "t.gen": function* ({ n }: { n: number }) {
    for (let i = 0; i < n; i++) yield i;
    return "ignored";
  },
  // An async handler that returns a generator object (not a generator function itself).
  "t.gen-returned": async () => letters(),
  "t.list": () => ["x", "y"],
  "t.mixed": async (_payload: unknown, ctx: HandlerContext) => {
    ctx.progress(0, 2);
    ctx.emit("a");
    ctx.progress(1, 2, "half");
    ctx.emit("b");
    ctx.progress(2);
    return "done";
  },
  "t.fail": () => {
    throw new Error("it broke");
  },
  "t.forbidden": () => {
    throw createError("FORBIDDEN", "not yours", { details: { why: "owner" } });
  },
  // The reference services' deliberate failure, served under a test type.
  "t.demo-fail": referenceHandlers["demo.fail"],
  "t.wait": async (_payload: unknown, ctx: HandlerContext) => {
    ctx.emit("started");
    await waitAbort(ctx.signal);
    ctx.emit("after abort");
    throw new Error("aborted");
  },
  "t.wait-named": async ({ name }: { name: string }, ctx: HandlerContext) => {
    ctx.emit("started");
    running.get(name)?.();
    await waitAbort(ctx.signal);
    ctx.emit("after abort");
    throw new Error("aborted");
  },
  "t.gated": async ({ name }: { name: string }, ctx: HandlerContext) => {
    ctx.emit("started");
    await gate(name);
    return "finished";
  },
});

const recordingLogger = () => {
  const infos: { message: string; details: unknown }[] = [];
  const errors: { message: string; details: unknown }[] = [];
  const logger: Logger = {
    debug: () => {},
    info: (message, details) => infos.push({ message, details }),
    warn: () => {},
    error: (message, details) => errors.push({ message, details }),
  };
  return { logger, infos, errors };
};

describe("registerHandlers on the memory broker", () => {
  let server: ReturnType<typeof createMemoryServer>;
  let workerBroker: MemoryBroker;
  let clientBroker: MemoryBroker;
  let client: AmqpTestClient;
  let worker: Worker | undefined;
  let log: ReturnType<typeof recordingLogger>;

  const start = async (
    options: Partial<RegisterHandlersOptions> = {},
    broker: Broker = workerBroker,
  ) => registerHandlers({ broker, handlers, logger: log.logger, announce: false, ...options });

  beforeEach(async () => {
    server = createMemoryServer({ logger: silentLogger });
    workerBroker = createMemoryBroker({ server, logger: silentLogger });
    clientBroker = createMemoryBroker({ server, logger: silentLogger });
    client = await createAmqpTestClient(clientBroker);
    log = recordingLogger();
    worker = await start();
  });

  afterEach(async () => {
    await worker?.close();
    await client.close();
    // Deleting the queues clears their TTL timers (requests carry an expiration).
    for (const type of Object.keys(handlers)) await clientBroker.deleteQueue(type);
    await clientBroker.close();
    await workerBroker.close();
  });

  it("answers with one result, on the reply queue, with the reply headers of docs/protocol.md §2", async () => {
    const request = await client.request("t.echo", { hello: ["world"] });
    const replies = await client.untilTerminal(request.correlationId);
    expect(replies).toEqual([
      {
        kind: "result",
        seq: 0,
        attempt: 1,
        body: { hello: ["world"] },
        contentType: "application/json",
      },
    ]);
  });

  it("gives the handler the client's id, the type, attempt, principal and deadline", async () => {
    const deadline = Date.now() + 30_000;
    const request = await client.request("t.ctx", null, {
      id: "req-7",
      principal: "alice",
      deadline,
    });
    const [reply] = await client.untilTerminal(request.correlationId);
    expect(reply?.body).toEqual({
      id: "req-7",
      type: "t.ctx",
      attempt: 1,
      principal: "alice",
      deadline,
    });
  });

  it("streams an async generator's items in order, then a null result", async () => {
    const request = await client.request("t.count", { n: 50 });
    const replies = await client.untilTerminal(request.correlationId);
    expect(replies.map((r) => r.seq)).toEqual([...Array(51).keys()]);
    expect(replies.slice(0, 50).map((r) => [r.kind, r.body])).toEqual(
      [...Array(50).keys()].map((i) => ["chunk", { i }]),
    );
    expect(replies[50]).toMatchObject({ kind: "result", body: null });
  });

  it("streams a plain generator's items too, whoever returned it, while an array is a result", async () => {
    const gen = await client.request("t.gen", { n: 3 });
    expect((await client.untilTerminal(gen.correlationId)).map((r) => [r.kind, r.body])).toEqual([
      ["chunk", 0],
      ["chunk", 1],
      ["chunk", 2],
      ["result", null],
    ]);
    const returned = await client.request("t.gen-returned", null);
    expect(
      (await client.untilTerminal(returned.correlationId)).map((r) => [r.kind, r.body]),
    ).toEqual([
      ["chunk", "x"],
      ["chunk", "y"],
      ["result", null],
    ]);
    const list = await client.request("t.list", null);
    expect((await client.untilTerminal(list.correlationId)).map((r) => [r.kind, r.body])).toEqual([
      ["result", ["x", "y"]],
    ]);
  });

  it("keeps emit and progress in the order the handler called them", async () => {
    const request = await client.request("t.mixed", null);
    const replies = await client.untilTerminal(request.correlationId);
    expect(replies.map((r) => [r.seq, r.kind, r.body])).toEqual([
      [0, "progress", { done: 0, total: 2 }],
      [1, "chunk", "a"],
      [2, "progress", { done: 1, total: 2, message: "half" }],
      [3, "chunk", "b"],
      [4, "progress", { done: 2 }],
      [5, "result", "done"],
    ]);
  });

  it("turns a throw into WORKER_ERROR with the message only, and logs the stack", async () => {
    const request = await client.request("t.fail", null);
    const replies = await client.untilTerminal(request.correlationId);
    expect(replies).toEqual([
      expect.objectContaining({
        kind: "error",
        body: { code: "WORKER_ERROR", message: "it broke" },
      }),
    ]);
    expect(JSON.stringify(log.errors)).toContain("registerHandlers.test");
  });

  it("passes a thrown error body with another code through", async () => {
    const request = await client.request("t.forbidden", null);
    const [reply] = await client.untilTerminal(request.correlationId);
    expect(reply?.body).toEqual({
      code: "FORBIDDEN",
      message: "not yours",
      details: { why: "owner" },
    });
  });

  it("logs a thrown error body as one info line without a stack, not as a failure", async () => {
    const request = await client.request("t.demo-fail", { message: "as planned" });
    const [reply] = await client.untilTerminal(request.correlationId);
    expect(reply?.body).toEqual({ code: "WORKER_ERROR", message: "as planned" });
    expect(log.errors).toEqual([]);
    expect(log.infos).toEqual([
      {
        message: "a handler answered with an error",
        details: {
          type: "t.demo-fail",
          id: expect.any(String),
          code: "WORKER_ERROR",
          message: "as planned",
        },
      },
    ]);
  });

  it("answers a body that is not JSON with BAD_REQUEST and acks it", async () => {
    const request = await client.request("t.echo", null, { rawBody: "{not json" });
    const [reply] = await client.untilTerminal(request.correlationId);
    expect(reply).toMatchObject({ kind: "error", seq: 0, body: { code: "BAD_REQUEST" } });
    await worker?.close();
    worker = undefined;
    expect(server.messageCount("t.echo")).toBe(0);
  });

  it("answers a type it does not serve with UNKNOWN_TYPE", async () => {
    const request = await client.request("t.nope", null, { queue: "t.echo" });
    const [reply] = await client.untilTerminal(request.correlationId);
    expect(reply).toMatchObject({ kind: "error", body: { code: "UNKNOWN_TYPE" } });
  });

  it("aborts a running handler on cancel, ends it with CANCELLED and sends nothing after", async () => {
    const request = await client.request("t.wait", null);
    await client.until(request.correlationId, (list) => list.length === 1);
    await client.cancel(request);
    const replies = await client.untilTerminal(request.correlationId);
    expect(replies.map((r) => [r.seq, r.kind, r.body])).toEqual([
      [0, "chunk", "started"],
      [1, "error", { code: "CANCELLED", message: "the request was cancelled" }],
    ]);
    const sentinel = await client.request("t.echo", "after");
    await client.untilTerminal(sentinel.correlationId);
    expect(client.repliesOf(request.correlationId)).toHaveLength(2);
  });

  it("drops a request cancelled before it started, and one whose deadline passed, without reply", async () => {
    const cancelled = {
      correlationId: `anon:${client.sessionId}:early`,
      id: "early",
      deadline: Date.now() + 60_000,
    };
    await client.cancel(cancelled);
    // The cancel queue is served before the request is even published: await a round trip.
    const first = await client.request("t.echo", 1);
    await client.untilTerminal(first.correlationId);
    await client.request("t.echo", "never", { id: "early", deadline: cancelled.deadline });
    const expired = await client.request("t.echo", "late", {
      deadline: Date.now() - 1,
      expiration: null,
    });
    const sentinel = await client.request("t.echo", "sentinel");
    await client.untilTerminal(sentinel.correlationId);
    expect(client.repliesOf(cancelled.correlationId)).toEqual([]);
    expect(client.repliesOf(expired.correlationId)).toEqual([]);
    await worker?.close();
    worker = undefined;
    expect(server.messageCount("t.echo")).toBe(0);
  });

  it("refuses a type a gateway would refuse, and the gateway's own taskbridge.* types", async () => {
    for (const type of ["Demo.Echo", "taskbridge.services", "", "with space"]) {
      await expect(start({ handlers: { [type]: () => null } })).rejects.toThrow(
        `"${type}" is not a valid request type`,
      );
    }
  });

  it("stops with an error that says so when the queue exists with other arguments", async () => {
    const other = createMemoryBroker({ server, logger: silentLogger });
    await other.assertQueue("t2.t.echo", requestQueueOptions("classic"));
    await expect(
      registerHandlers({
        broker: other,
        handlers,
        queuePrefix: "t2.",
        announce: false,
        logger: log.logger,
      }),
    ).rejects.toThrow(/cannot declare queue "t2\.t\.echo" as a quorum queue.*other arguments/);
    await other.close();
  });

  it("lets a running handler finish on close within the grace period", async () => {
    const request = await client.request("t.gated", { name: "g1" });
    await client.until(request.correlationId, (list) => list.length === 1);
    const closed = worker!.close();
    worker = undefined;
    gates.get("g1")!();
    await closed;
    const replies = await client.untilTerminal(request.correlationId);
    expect(replies.map((r) => r.kind)).toEqual(["chunk", "result"]);
  });

  it("hands a handler that outlives the grace period back to the queue: the next worker runs attempt 2", async () => {
    await worker!.close();
    worker = await start({ graceMs: 10 });
    const request = await client.request("t.gated", { name: "g2" });
    await client.until(request.correlationId, (list) => list.length === 1);
    await worker.close();
    const second = createMemoryBroker({ server, logger: silentLogger });
    worker = await start({}, second);
    await client.until(request.correlationId, (list) => list.length === 2);
    gates.get("g2")!();
    const replies = await client.untilTerminal(request.correlationId);
    expect(replies.map((r) => [r.attempt, r.seq, r.kind])).toEqual([
      [1, 0, "chunk"],
      [2, 0, "chunk"],
      [2, 1, "result"],
    ]);
    await worker.close();
    worker = undefined;
    await second.close();
  });

  it("acks a cancelled request whose handler ignores the signal when it shuts down", async () => {
    await worker!.close();
    worker = await start({ graceMs: 10 });
    const request = await client.request("t.gated", { name: "g4" });
    await client.until(request.correlationId, (list) => list.length === 1);
    await client.cancel(request);
    const sentinel = await client.request("t.echo", "after the cancel");
    await client.untilTerminal(sentinel.correlationId);
    await worker.close();
    worker = undefined;
    gates.get("g4")!();
    expect(server.messageCount("t.gated")).toBe(0);
    expect(client.repliesOf(request.correlationId).map((r) => r.kind)).toEqual(["chunk"]);
  });

  it("connects through `connect` when given a url, and closes that connection itself", async () => {
    await worker!.close();
    const owned = createMemoryBroker({ server, logger: silentLogger });
    const urls: string[] = [];
    worker = await registerHandlers({
      url: "amqp://example:5672",
      connect: async (url) => {
        urls.push(url);
        return owned;
      },
      handlers,
      logger: log.logger,
      announce: false,
    });
    const request = await client.request("t.echo", "via url");
    expect((await client.untilTerminal(request.correlationId))[0]?.body).toBe("via url");
    await worker.close();
    worker = undefined;
    expect(urls).toEqual(["amqp://example:5672"]);
    expect(owned.getState()).toBe("closed");
  });

  it("acks a request only after the broker confirmed its terminal reply", async () => {
    await worker!.close();
    const events: string[] = [];
    let confirmTerminal: (() => void) | undefined;
    const watched: Broker = {
      ...workerBroker,
      publish: (exchange, key, body, options) => {
        const outcome = workerBroker.publish(exchange, key, body, options);
        if (options?.headers?.["x-kind"] !== "result") return outcome;
        return new Promise((resolve) => {
          confirmTerminal = () => {
            events.push("confirmed");
            resolve(outcome);
          };
        });
      },
      consume: (queue, onMessage, options) =>
        workerBroker.consume(
          queue,
          (message: DeliveredMessage) =>
            onMessage({
              ...message,
              ack: () => {
                events.push("ack");
                message.ack();
              },
            }),
          options,
        ),
    };
    worker = await start({}, watched);
    const request = await client.request("t.echo", "x");
    await client.untilTerminal(request.correlationId);
    expect(events).toEqual([]);
    confirmTerminal!();
    await worker.close();
    worker = undefined;
    expect(events).toEqual(["confirmed", "ack"]);
  });

  it("streams a long burst in order while waiting for confirms", async () => {
    await worker!.close();
    worker = await start({ maxPendingReplies: 8 });
    const request = await client.request("t.count", { n: 2000 });
    const replies = await client.untilTerminal(request.correlationId);
    expect(replies).toHaveLength(2001);
    expect(
      replies.every((r, i) => r.seq === i && (i === 2000 || (r.body as { i: number }).i === i)),
    ).toBe(true);
  });

  it("aborts running handlers when the connection drops; the redelivery is attempt 2", async () => {
    const request = await client.request("t.gated", { name: "g3" });
    await client.until(request.correlationId, (list) => list.length === 1);
    workerBroker.disconnect();
    workerBroker.reconnect();
    await client.until(request.correlationId, (list) => list.length === 2);
    gates.get("g3")!();
    const replies = await client.untilTerminal(request.correlationId);
    expect(replies.map((r) => [r.attempt, r.seq, r.kind])).toEqual([
      [1, 0, "chunk"],
      [2, 0, "chunk"],
      [2, 1, "result"],
    ]);
  });

  describe("for a gateway that accepts chunks (docs/protocol.md §14.2)", () => {
    const chunks = { headers: { "x-accept": "chunks" } };

    it("batches a burst into chunks replies of at most 256, x-seq counting chunks", async () => {
      const request = await client.request("t.count", { n: 600 }, chunks);
      const replies = await client.untilTerminal(request.correlationId);
      expect(replies.map((r) => [r.seq, r.kind, r.count])).toEqual([
        [0, "chunks", 256],
        [256, "chunks", 256],
        [512, "chunks", 88],
        [600, "result", undefined],
      ]);
      expect(replies.slice(0, 3).flatMap((r) => r.body as unknown[])).toEqual(
        [...Array(600).keys()].map((i) => ({ i })),
      );
    });

    it("sends the same replies as v1 when chunks are not consecutive", async () => {
      const plain = await client.request("t.mixed", null);
      const batched = await client.request("t.mixed", null, chunks);
      const shown = (list: readonly { seq: number; kind: string; body: unknown }[]) =>
        list.map((r) => [r.seq, r.kind, r.body]);
      const expected = shown(await client.untilTerminal(plain.correlationId));
      expect(shown(await client.untilTerminal(batched.correlationId))).toEqual(expected);
      expect(expected.map(([, kind]) => kind)).toContain("chunk");
    });

    it("keeps back-pressure: a long burst goes in order while waiting for confirms", async () => {
      await worker!.close();
      worker = await start({ maxPendingReplies: 2, maxChunksPerReply: 3 });
      const request = await client.request("t.count", { n: 2000 }, chunks);
      const replies = await client.untilTerminal(request.correlationId);
      const items = replies.slice(0, -1).flatMap((r) => (r.kind === "chunks" ? r.body : [r.body]));
      expect(items).toEqual([...Array(2000).keys()].map((i) => ({ i })));
      let seq = 0;
      for (const reply of replies) {
        expect(reply.seq).toBe(seq);
        seq += reply.count ?? 1;
      }
      expect(replies.at(-1)).toMatchObject({ kind: "result", seq: 2000 });
    });

    it("sends a chunk held for a batch before CANCELLED, and nothing the handler emits after", async () => {
      await worker!.close();
      worker = await start({ timers: createManualTimers() }); // the window never ends by itself
      const started = whenRunning("c1");
      const request = await client.request("t.wait-named", { name: "c1" }, chunks);
      await started;
      expect(client.repliesOf(request.correlationId)).toEqual([]);
      await client.cancel(request);
      const replies = await client.untilTerminal(request.correlationId);
      expect(replies.map((r) => [r.seq, r.kind, r.body])).toEqual([
        [0, "chunk", "started"],
        [1, "error", { code: "CANCELLED", message: "the request was cancelled" }],
      ]);
    });

    it("sends every chunk alone with maxChunksPerReply 1, and refuses windows over 5 ms", async () => {
      await worker!.close();
      worker = await start({ maxChunksPerReply: 1 });
      const request = await client.request("t.count", { n: 3 }, chunks);
      const replies = await client.untilTerminal(request.correlationId);
      expect(replies.map((r) => r.kind)).toEqual(["chunk", "chunk", "chunk", "result"]);
      await expect(start({ chunkWindowMs: 6 })).rejects.toThrow(RangeError);
      await expect(start({ maxChunksPerReply: 0 })).rejects.toThrow(RangeError);
    });
  });
});
