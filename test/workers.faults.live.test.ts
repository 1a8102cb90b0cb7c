import type { DeliveredMessage } from "@taskbridge/broker";
import { DEAD_EXCHANGE, readDeath, requestQueueOptions } from "@taskbridge/broker";
import { randomId } from "@taskbridge/core/protocol";
import { createAmqpTestClient } from "./contracts/createAmqpTestClient.js";
import { AMQP_URL, connectTestBroker } from "./contracts/rabbitWorkerSetups.js";
import {
  bunWorkerCommand,
  spawnWorkerProcess,
  type WorkerCommand,
  type WorkerProcess,
} from "./contracts/spawnWorkerProcess.js";

// Worker processes die; RabbitMQ redelivers (docs/protocol.md §3). Real processes on the shared
// RabbitMQ, each test on its own queues `t.<random>.*`.
describe("worker faults on RabbitMQ", () => {
  const started: WorkerProcess[] = [];
  const start = (
    queuePrefix: string,
    command = bunWorkerCommand,
    env: Readonly<Record<string, string>> = {},
  ) => {
    const worker = spawnWorkerProcess({
      ...command,
      env: { AMQP_URL, TASKBRIDGE_QUEUE_PREFIX: queuePrefix, ...env },
    });
    started.push(worker);
    return worker;
  };

  afterEach(async () => {
    for (const worker of started.splice(0)) await worker.stop("SIGKILL");
  });

  it("a worker killed mid-stream: a second worker runs attempt 2, replies restart at seq 0", async () => {
    const prefix = `t.${randomId(8).toLowerCase()}.`;
    const broker = await connectTestBroker();
    const client = await createAmqpTestClient(broker);
    try {
      const first = start(prefix);
      await first.ready;
      const sent = await client.request(
        "demo.count",
        { n: 20, delayMs: 50 },
        { queue: `${prefix}demo.count` },
      );
      await client.until(sent.correlationId, (list) => list.length >= 3);
      // Frozen mid-stream (SIGSTOP) while the second worker starts, however long that takes on
      // a loaded machine; then killed: its attempt cannot finish first, whatever the timing.
      first.child.kill("SIGSTOP");
      const second = start(prefix);
      await second.ready;
      await first.stop("SIGKILL");
      const replies = await client.untilTerminal(sent.correlationId);
      const firstAttempt = replies.filter((r) => r.attempt === 1);
      const secondAttempt = replies.filter((r) => r.attempt === 2);
      expect(firstAttempt.length).toBeGreaterThanOrEqual(3);
      expect(firstAttempt.every((r, i) => r.seq === i && r.kind === "chunk")).toBe(true);
      expect(replies.slice(firstAttempt.length)).toEqual(secondAttempt);
      expect(secondAttempt.map((r) => [r.seq, r.kind, r.body])).toEqual([
        ...Array.from({ length: 20 }, (_, i) => [i, "chunk", { i }]),
        [20, "result", { count: 20 }],
      ]);
      expect(await second.stop()).toEqual({ code: 0, signal: null });
    } finally {
      await client.close();
      for (const type of ["demo.echo", "demo.count", "demo.progress", "demo.fail"]) {
        await broker.deleteQueue(`${prefix}${type}`);
      }
      await broker.close();
    }
  });

  it("a request that kills every worker is dead-lettered with reason delivery_limit after 4 attempts", async () => {
    const prefix = `t.${randomId(8).toLowerCase()}.`;
    const broker = await connectTestBroker();
    const client = await createAmqpTestClient(broker);
    const deadQueue = `${prefix}dead`;
    let onDead: (message: DeliveredMessage) => void = () => {};
    const dead = new Promise<DeliveredMessage>((resolve) => {
      onDead = resolve;
    });
    await broker.assertQueue(deadQueue, { exclusive: true, autoDelete: true, durable: false });
    await broker.bindQueue(deadQueue, DEAD_EXCHANGE, "");
    const correlationIds = new Set<string>();
    const deadConsumer = await broker.consume(
      deadQueue,
      (message) => {
        if (correlationIds.has(message.properties.correlationId ?? "")) onDead(message);
      },
      { noAck: true },
    );
    const crashing: WorkerCommand = {
      command: bunWorkerCommand.command,
      args: ["test/fixtures/crashingWorker.ts"],
    };
    try {
      const first = start(prefix, crashing);
      await first.ready;
      const sent = await client.request("test.crash", null, { queue: `${prefix}test.crash` });
      correlationIds.add(sent.correlationId);
      let worker = first;
      let deadLetter: DeliveredMessage | undefined;
      for (let spawned = 1; deadLetter === undefined && spawned <= 6; spawned++) {
        const outcome = await Promise.race([worker.exited, dead]);
        if ("properties" in outcome) deadLetter = outcome;
        // The redelivery may reach it before its ready line: wait for its death, not its start.
        else worker = start(prefix, crashing);
      }
      // The last worker started never gets the message: it is dead-lettered instead.
      deadLetter ??= await dead;
      const attempts = started
        .map((w) => /crashing on attempt (\d)/.exec(w.output())?.[1])
        .filter(Boolean);
      expect(attempts).toEqual(["1", "2", "3", "4"]);
      expect(readDeath(deadLetter.properties.headers)?.reason).toBe("delivery_limit");
      // Each attempt may get its one chunk out before dying; none ends the request.
      const replies = client.repliesOf(sent.correlationId);
      expect(replies.every((r) => r.kind === "chunk" && r.seq === 0)).toBe(true);
    } finally {
      await deadConsumer.close();
      await client.close();
      await broker.deleteQueue(`${prefix}test.crash`);
      await broker.deleteQueue(deadQueue);
      await broker.close();
    }
  });
  it("a worker whose queue declaration RabbitMQ refuses exits 1 and says why", async () => {
    const prefix = `t.${randomId(8).toLowerCase()}.`;
    const broker = await connectTestBroker();
    try {
      await broker.assertQueue(`${prefix}demo.echo`, requestQueueOptions("classic"));
      const worker = start(prefix);
      await expect(worker.exited).resolves.toEqual({ code: 1, signal: null });
      expect(worker.output()).toMatch(
        new RegExp(
          `cannot declare queue "${prefix.replace(/\./g, "\\.")}demo\\.echo" as a quorum queue`,
        ),
      );
    } finally {
      for (const type of ["demo.echo", "demo.count", "demo.progress", "demo.fail"]) {
        await broker.deleteQueue(`${prefix}${type}`);
      }
      await broker.close();
    }
  });
  it("SIGTERM past the grace period hands a running request back; SIGINT also exits 0", async () => {
    const prefix = `t.${randomId(8).toLowerCase()}.`;
    const broker = await connectTestBroker();
    const client = await createAmqpTestClient(broker);
    try {
      const first = start(prefix, bunWorkerCommand, { TASKBRIDGE_GRACE_MS: "100" });
      await first.ready;
      const sent = await client.request(
        "demo.progress",
        { steps: 8, delayMs: 100 },
        { queue: `${prefix}demo.progress` },
      );
      await client.until(sent.correlationId, (list) => list.length >= 2);
      expect(await first.stop("SIGTERM")).toEqual({ code: 0, signal: null });
      const second = start(prefix);
      const replies = await client.untilTerminal(sent.correlationId);
      const handedBack = replies.filter((r) => r.attempt === 1);
      expect(handedBack.every((r) => r.kind === "progress")).toBe(true);
      expect(replies.slice(handedBack.length).map((r) => [r.attempt, r.seq, r.kind])).toEqual([
        ...Array.from({ length: 8 }, (_, i) => [2, i, "progress"]),
        [2, 8, "result"],
      ]);
      await second.ready;
      expect(await second.stop("SIGINT")).toEqual({ code: 0, signal: null });
    } finally {
      await client.close();
      for (const type of ["demo.echo", "demo.count", "demo.progress", "demo.fail"]) {
        await broker.deleteQueue(`${prefix}${type}`);
      }
      await broker.close();
    }
  });
});
