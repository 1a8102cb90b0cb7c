import type { Broker, DeliveredMessage } from "@taskbridge/broker";
import { randomId } from "@taskbridge/core/protocol";
import {
  type AmqpTestClient,
  createAmqpTestClient,
  type TestReply,
} from "./createAmqpTestClient.js";

/** The reference services of docs/protocol.md §8, which every worker SDK serves. */
export const REFERENCE_TYPES = ["demo.echo", "demo.count", "demo.progress", "demo.fail"] as const;

/** A worker the suite can talk to, however it was started. */
export type WorkerUnderTest = {
  /** A broker for the suite's own messages: a connection of its own, not the worker's. */
  readonly broker: Broker;
  /** Stops the worker gracefully (a process: SIGTERM, then await its exit). */
  readonly stop: () => Promise<void>;
  /** Deletes a queue the run declared (the suite calls it for each reference queue at the end). */
  readonly deleteQueue: (name: string) => Promise<void>;
  /** Closes `broker` and whatever else the setup opened. */
  readonly dispose: () => Promise<void>;
};

/**
 * Starts a worker serving the reference services from the queues `<queuePrefix><type>` (e.g.
 * `t.x1y2.demo.echo`): an in-process `registerHandlers({ queuePrefix })`, or a process started
 * with `TASKBRIDGE_QUEUE_PREFIX`. Resolves once the worker consumes.
 */
export type WorkerScenarioSetup = (options: {
  readonly queuePrefix: string;
}) => Promise<WorkerUnderTest>;

const isTerminal = (reply: TestReply) => reply.kind === "result" || reply.kind === "error";
const withoutStackKeys = (body: unknown) =>
  Object.keys(body as object).every((key) =>
    ["code", "message", "details", "retryable"].includes(key),
  );
/** Reads the first message of a queue, leaves it there, and says whose it is. */
const firstCorrelationId = async (broker: Broker, name: string): Promise<string> => {
  let resolveFirst: (id: string) => void = () => {};
  const first = new Promise<string>((resolve) => {
    resolveFirst = resolve;
  });
  const consumer = await broker.consume(
    name,
    (message: DeliveredMessage) => resolveFirst(message.properties.correlationId ?? ""),
    {
      prefetch: 1,
    },
  );
  try {
    return await first;
  } finally {
    await consumer.close();
  }
};
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The worker scenario suite: what every worker SDK must do on the wire (docs/protocol.md §3, §8),
 * checked only through AMQP — requests published exactly as a gateway publishes them onto the
 * reference-service queues, replies read off the suite's own reply queue. It never looks inside
 * the worker, so the same suite runs against the TypeScript SDK (in-process or `bun
 * packages/worker/src/main.ts`) and the Python SDK's process.
 *
 * Isolation: every run serves its own queues `t.<random>.demo.*` (the worker's queue prefix), so
 * it never competes with a worker serving the real `demo.*` queues on a shared RabbitMQ, and two
 * runs never see each other's requests. Cancels travel on the shared fanout `taskbridge.cancel`
 * and are keyed by unique correlation ids, so they are harmless to other workers.
 *
 * At the end the worker is stopped and each queue must be empty (a sentinel published then must
 * be the first message read): every request was acked, dropped ones and cancelled ones included.
 *
 * @example
 * describeWorkerScenarios("TypeScript worker process", async ({ queuePrefix }) => startProcess(queuePrefix));
 */
export const describeWorkerScenarios = (name: string, setup: WorkerScenarioSetup): void => {
  describe(`worker scenarios: ${name}`, () => {
    const queuePrefix = `t.${randomId(8).toLowerCase()}.`;
    const queue = (type: string) => `${queuePrefix}${type}`;
    let worker: WorkerUnderTest;
    let client: AmqpTestClient;
    let workerStopped = false;

    /** Publishes a request for `type` onto this run's queue for it. */
    const request = (
      type: string,
      payload: unknown,
      options: Parameters<AmqpTestClient["request"]>[2] = {},
    ) => client.request(type, payload, { queue: queue(type), ...options });

    /** An echo round trip: everything the worker took before it has been decided on. */
    const sentinel = async () => {
      const echo = await request("demo.echo", "sentinel");
      await client.untilTerminal(echo.correlationId);
    };

    beforeAll(async () => {
      worker = await setup({ queuePrefix });
      client = await createAmqpTestClient(worker.broker);
    });

    afterAll(async () => {
      if (worker === undefined) return;
      await client?.close();
      if (!workerStopped) await worker.stop();
      for (const type of REFERENCE_TYPES) await worker.deleteQueue(queue(type));
      await worker.dispose();
    });

    it("demo.echo answers one result with the payload, seq 0, attempt 1, as JSON", async () => {
      const payload = { text: "héllo", list: [1, 2.5, null, true], nested: { a: "b" } };
      const sent = await request("demo.echo", payload);
      const replies = await client.untilTerminal(sent.correlationId);
      expect(replies).toEqual([
        { kind: "result", seq: 0, attempt: 1, body: payload, contentType: "application/json" },
      ]);
    });

    it("demo.count streams its chunks in order, seq counting, then the count", async () => {
      const sent = await request("demo.count", { n: 5, delayMs: 1 });
      const replies = await client.untilTerminal(sent.correlationId);
      expect(replies.map((r) => [r.seq, r.attempt, r.kind, r.body])).toEqual([
        [0, 1, "chunk", { i: 0 }],
        [1, 1, "chunk", { i: 1 }],
        [2, 1, "chunk", { i: 2 }],
        [3, 1, "chunk", { i: 3 }],
        [4, 1, "chunk", { i: 4 }],
        [5, 1, "result", { count: 5 }],
      ]);
    });

    it("demo.count streams a burst of 500 chunks without loss or reordering", async () => {
      const sent = await request("demo.count", { n: 500 });
      const replies = await client.untilTerminal(sent.correlationId);
      expect(replies).toHaveLength(501);
      expect(replies.every((r, i) => r.seq === i)).toBe(true);
      expect(
        replies
          .slice(0, 500)
          .every((r, i) => r.kind === "chunk" && (r.body as { i: number }).i === i),
      ).toBe(true);
      expect(replies[500]).toMatchObject({ kind: "result", body: { count: 500 } });
    });

    it("demo.count waits delayMs before each chunk, the first one included", async () => {
      // About time, so a lower bound only: a loaded machine can make it slower, never faster.
      const started = Date.now();
      const sent = await request("demo.count", { n: 1, delayMs: 400 });
      const replies = await client.untilTerminal(sent.correlationId);
      expect(Date.now() - started).toBeGreaterThanOrEqual(380);
      expect(replies.map((r) => r.body)).toEqual([{ i: 0 }, { count: 1 }]);
    });

    it("demo.progress reports each step, then the result", async () => {
      const sent = await request("demo.progress", { steps: 3, delayMs: 1 });
      const replies = await client.untilTerminal(sent.correlationId);
      expect(replies.map((r) => [r.seq, r.kind, r.body])).toEqual([
        [0, "progress", { done: 1, total: 3 }],
        [1, "progress", { done: 2, total: 3 }],
        [2, "progress", { done: 3, total: 3 }],
        [3, "result", { done: 3 }],
      ]);
    });

    it("demo.fail ends with WORKER_ERROR carrying the message and no stack", async () => {
      const sent = await request("demo.fail", { message: "boom: as asked" });
      const replies = await client.untilTerminal(sent.correlationId);
      expect(replies).toHaveLength(1);
      expect(replies[0]).toMatchObject({ kind: "error", seq: 0, attempt: 1 });
      expect(replies[0]?.body).toMatchObject({ code: "WORKER_ERROR", message: "boom: as asked" });
      expect(withoutStackKeys(replies[0]?.body)).toBe(true);
      expect(JSON.stringify(replies[0]?.body)).not.toMatch(/\bat .+:\d+:\d+/);
    });

    it("the reference services answer nonsense payloads alike in every SDK", async () => {
      const countNeeds = "demo.count needs { n: integer ≥ 0, delayMs?: number ≥ 0 }";
      const progressNeeds = "demo.progress needs { steps: integer ≥ 0, delayMs: number ≥ 0 }";
      const cases: [string, unknown, { code: string; message: string }][] = [
        ["demo.count", { n: -1 }, { code: "BAD_REQUEST", message: countNeeds }],
        ["demo.count", { n: "3" }, { code: "BAD_REQUEST", message: countNeeds }],
        ["demo.count", { n: 2.5 }, { code: "BAD_REQUEST", message: countNeeds }],
        ["demo.count", { n: true }, { code: "BAD_REQUEST", message: countNeeds }],
        ["demo.count", { n: 1, delayMs: null }, { code: "BAD_REQUEST", message: countNeeds }],
        ["demo.count", [3], { code: "BAD_REQUEST", message: countNeeds }],
        ["demo.count", null, { code: "BAD_REQUEST", message: countNeeds }],
        [
          "demo.progress",
          { steps: "many", delayMs: 1 },
          { code: "BAD_REQUEST", message: progressNeeds },
        ],
        [
          "demo.progress",
          { steps: 1, delayMs: -1 },
          { code: "BAD_REQUEST", message: progressNeeds },
        ],
        ["demo.fail", {}, { code: "WORKER_ERROR", message: "demo.fail failed" }],
        ["demo.fail", { message: "" }, { code: "WORKER_ERROR", message: "demo.fail failed" }],
        ["demo.fail", "not an object", { code: "WORKER_ERROR", message: "demo.fail failed" }],
      ];
      const sent = await Promise.all(cases.map(([type, payload]) => request(type, payload)));
      for (const [index, { correlationId }] of sent.entries()) {
        const replies = await client.untilTerminal(correlationId);
        expect([
          cases[index]?.[0],
          cases[index]?.[1],
          replies.map((r) => [r.kind, r.body]),
        ]).toEqual([cases[index]?.[0], cases[index]?.[1], [["error", cases[index]?.[2]]]]);
      }
      // 3.0 is the integer 3 in JSON, whichever language reads it; a missing delayMs waits not.
      const whole = await request("demo.count", null, { rawBody: '{"n":2.0}' });
      expect((await client.untilTerminal(whole.correlationId)).map((r) => r.body)).toEqual([
        { i: 0 },
        { i: 1 },
        { count: 2 },
      ]);
      const noDelay = await request("demo.progress", { steps: 1 });
      expect((await client.untilTerminal(noDelay.correlationId)).map((r) => r.body)).toEqual([
        { done: 1, total: 1 },
        { done: 1 },
      ]);
    });

    it("a cancel stops a running demo.progress; at most one terminal CANCELLED, nothing after", async () => {
      const sent = await request("demo.progress", { steps: 600, delayMs: 50 });
      await client.until(sent.correlationId, (list) => list.length >= 2);
      await client.cancel(sent);
      // A worker may end the request with CANCELLED or say nothing more: give it a moment either
      // way (this is about time: the handler must stop at once), then make sure nothing follows.
      await Promise.race([client.untilTerminal(sent.correlationId), delay(1500)]);
      const seen = client.repliesOf(sent.correlationId).length;
      await delay(500);
      const replies = client.repliesOf(sent.correlationId);
      expect(replies).toHaveLength(seen);
      expect(replies.length).toBeLessThan(40);
      const terminals = replies.filter(isTerminal);
      expect(terminals.length).toBeLessThanOrEqual(1);
      if (terminals.length === 1) {
        expect(replies[replies.length - 1]).toMatchObject({
          kind: "error",
          body: { code: "CANCELLED" },
        });
      }
      expect(replies.every((r, i) => r.seq === i && r.attempt === 1)).toBe(true);
    });

    it("a request cancelled before it started is dropped without any reply", async () => {
      const early = {
        correlationId: `anon:${client.sessionId}:early-${randomId(6)}`,
        deadline: Date.now() + 60_000,
      };
      await client.cancel({ ...early, id: "" });
      await sentinel(); // the cancel was published before this round trip began
      const id = early.correlationId.split(":")[2];
      const sent = await request("demo.echo", "must not run", { id, deadline: early.deadline });
      expect(sent.correlationId).toBe(early.correlationId);
      await sentinel();
      expect(client.repliesOf(early.correlationId)).toEqual([]);
    });

    it("a request whose deadline passed before it was taken is dropped without any reply", async () => {
      const sent = await request("demo.echo", "too late", {
        deadline: Date.now() - 1000,
        expiration: null,
      });
      await sentinel();
      expect(client.repliesOf(sent.correlationId)).toEqual([]);
    });

    it("a body that is not JSON gets one terminal BAD_REQUEST", async () => {
      const sent = await request("demo.echo", null, { rawBody: "{ this is not json" });
      const replies = await client.untilTerminal(sent.correlationId);
      expect(replies).toEqual([
        expect.objectContaining({
          kind: "error",
          seq: 0,
          attempt: 1,
          body: expect.objectContaining({ code: "BAD_REQUEST" }),
        }),
      ]);
    });

    it("an x-type the worker does not serve gets UNKNOWN_TYPE", async () => {
      const sent = await client.request("demo.nobody-serves-this", 1, {
        queue: queue("demo.echo"),
      });
      const replies = await client.untilTerminal(sent.correlationId);
      expect(replies).toEqual([
        expect.objectContaining({
          kind: "error",
          seq: 0,
          body: expect.objectContaining({ code: "UNKNOWN_TYPE" }),
        }),
      ]);
    });

    it("leaves no request unacked: after the worker stops, every queue is empty", async () => {
      await worker.stop();
      workerStopped = true;
      for (const type of REFERENCE_TYPES) {
        const marker = `sentinel-${randomId(8)}`;
        await worker.broker.publish("", queue(type), JSON.stringify(marker), {
          correlationId: marker,
        });
        expect(await firstCorrelationId(worker.broker, queue(type))).toBe(marker);
      }
    });
  });
};
