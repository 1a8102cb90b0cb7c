import type { Broker, DeliveredMessage, QueueOptions } from "@taskbridge/broker";
import { readDeath, replyStreamOptions, requestQueueOptions } from "@taskbridge/broker";
import { randomId } from "@taskbridge/core/protocol";

/** What a broker implementation hands the contract suite. */
export type BrokerContractFixture = {
  /** Opens another connection to the same (real or in-process) server, like another process. */
  readonly connect: () => Promise<Broker>;
  /** Removes what a test declared, whether or not it still exists. */
  readonly deleteQueue: (name: string) => Promise<void>;
  readonly deleteExchange: (name: string) => Promise<void>;
  /**
   * Drops the connection of `broker` (one `connect` made) as a network failure would, runs
   * `whileDown` once it is down, and resolves once the broker is connected again.
   */
  readonly dropConnection: (broker: Broker, whileDown: () => Promise<void>) => Promise<void>;
  /** Releases the fixture (admin connections, servers). */
  readonly close: () => Promise<void>;
};

const decoder = new TextDecoder();
const text = (message: DeliveredMessage): string => decoder.decode(message.body);

/** Messages a consumer received, awaitable one at a time. */
const createInbox = () => {
  const received: DeliveredMessage[] = [];
  const waiters: ((message: DeliveredMessage) => void)[] = [];
  let taken = 0;
  /** The next message not yet taken, in arrival order. */
  const next = (): Promise<DeliveredMessage> => {
    if (taken < received.length) return Promise.resolve(received[taken++]!);
    return new Promise((resolve) => waiters.push(resolve));
  };
  return {
    received,
    next,
    onMessage: (message: DeliveredMessage): void => {
      received.push(message);
      const waiter = waiters.shift();
      if (waiter !== undefined) {
        taken++;
        waiter(message);
      }
    },
    take: async (count: number): Promise<DeliveredMessage[]> => {
      const messages: DeliveredMessage[] = [];
      for (let i = 0; i < count; i++) messages.push(await next());
      return messages;
    },
  };
};

/**
 * The behaviour every `Broker` must show, as taskbridge's gateway and workers rely on it (RabbitMQ
 * 3.10 semantics). Runs against the memory broker and against RabbitMQ; every name is unique and
 * deleted afterwards, so it can share a RabbitMQ with other test runs.
 *
 * @example
 * describeBrokerContract("memory broker", async () => memoryFixture());
 */
export const describeBrokerContract = (
  name: string,
  setup: () => Promise<BrokerContractFixture>,
): void => {
  describe(`Broker contract: ${name}`, () => {
    let fixture: BrokerContractFixture;
    let broker: Broker;
    let prefix: string;
    const queues = new Set<string>();
    const exchanges = new Set<string>();
    const opened: Broker[] = [];

    const connect = async (): Promise<Broker> => {
      const next = await fixture.connect();
      opened.push(next);
      return next;
    };
    const queue = async (suffix: string, options: QueueOptions = {}): Promise<string> => {
      const queueName = `${prefix}.${suffix}`;
      queues.add(queueName);
      await broker.assertQueue(queueName, options);
      return queueName;
    };
    const exchange = async (suffix: string, type: "direct" | "fanout" | "topic") => {
      const exchangeName = `${prefix}.${suffix}`;
      exchanges.add(exchangeName);
      await broker.assertExchange(exchangeName, type, { durable: false });
      return exchangeName;
    };
    /** A dead-letter exchange and a queue bound to it, consumed into an inbox. */
    const deadLetterSink = async () => {
      const dlx = await exchange("dlx", "fanout");
      const sink = await queue("dead");
      await broker.bindQueue(sink, dlx, "");
      const inbox = createInbox();
      await broker.consume(sink, (message) => {
        message.ack();
        inbox.onMessage(message);
      });
      return { dlx, inbox };
    };

    beforeEach(async () => {
      fixture = await setup();
      prefix = `t.${randomId(10).toLowerCase()}`;
      broker = await connect();
    });

    afterEach(async () => {
      for (const open of opened.splice(0)) await open.close();
      for (const queueName of queues) await fixture.deleteQueue(queueName);
      for (const exchangeName of exchanges) await fixture.deleteExchange(exchangeName);
      queues.clear();
      exchanges.clear();
      await fixture.close();
    });

    it("routes on the default exchange by queue name and confirms the publish", async () => {
      const q = await queue("direct");
      const inbox = createInbox();
      await broker.consume(q, inbox.onMessage);
      const outcome = await broker.publish("", q, "hello", {
        contentType: "application/json",
        correlationId: "anon:s:1",
        replyTo: "somewhere",
        messageId: "m-1",
        headers: { "x-type": "demo.echo", "x-deadline": 1234 },
      });
      expect(outcome).toBe("routed");
      const message = await inbox.next();
      expect(text(message)).toBe("hello");
      expect(message.routingKey).toBe(q);
      expect(message.exchange).toBe("");
      expect(message.redelivered).toBe(false);
      expect(message.properties).toMatchObject({
        contentType: "application/json",
        correlationId: "anon:s:1",
        replyTo: "somewhere",
        messageId: "m-1",
        headers: { "x-type": "demo.echo", "x-deadline": 1234 },
      });
      message.ack();
    });

    it("does not deliver inside publish: the publish call returns first", async () => {
      const q = await queue("async");
      const inbox = createInbox();
      await broker.consume(q, inbox.onMessage);
      const pending = broker.publish("", q, "x");
      expect(inbox.received).toHaveLength(0);
      await pending;
      expect(text(await inbox.next())).toBe("x");
    });

    it("returns a mandatory message nobody takes, and routes a non-mandatory one silently", async () => {
      const nowhere = `${prefix}.nowhere`;
      await expect(broker.publish("", nowhere, "x", { mandatory: true })).resolves.toBe("returned");
      await expect(broker.publish("", nowhere, "x")).resolves.toBe("routed");
      const fan = await exchange("empty", "fanout");
      await expect(broker.publish(fan, "", "x", { mandatory: true })).resolves.toBe("returned");
    });

    it("rejects a publish to a missing exchange with NOT_FOUND and goes on publishing", async () => {
      const q = await queue("after404");
      await expect(broker.publish(`${prefix}.missing`, "k", "x")).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      await expect(broker.publish("", q, "fine")).resolves.toBe("routed");
    });

    it("accepts the request queue declarations of docs/protocol.md §3, twice", async () => {
      const quorum = await queue("quorum.req", requestQueueOptions("quorum"));
      await expect(
        broker.assertQueue(quorum, requestQueueOptions("quorum")),
      ).resolves.toBeUndefined();
      const classic = await queue("classic.req", requestQueueOptions("classic"));
      await expect(broker.assertQueue(classic, requestQueueOptions("quorum"))).rejects.toThrow(
        classic,
      );
    });

    it("tells concurrent publishes apart: each gets its own outcome", async () => {
      const quorum = await queue("mixq", requestQueueOptions("quorum"));
      const classic = await queue("mixc");
      const nowhere = `${prefix}.nobody`;
      const outcomes = await Promise.all([
        broker.publish("", quorum, "a", { mandatory: true, messageId: "1" }),
        broker.publish("", nowhere, "b", { mandatory: true, messageId: "2" }),
        broker.publish("", classic, "c", { mandatory: true, messageId: "3" }),
        broker.publish("", nowhere, "d", { mandatory: true, messageId: "4" }),
        broker.publish("", quorum, "e", { mandatory: true, messageId: "5" }),
      ]);
      expect(outcomes).toEqual(["routed", "returned", "routed", "returned", "routed"]);
    });

    it("routes through fanout, direct and topic exchanges with * and #", async () => {
      const fan = await exchange("fan", "fanout");
      const direct = await exchange("direct", "direct");
      const topic = await exchange("topic", "topic");
      const [a, b, one, many] = await Promise.all([
        queue("a"),
        queue("b"),
        queue("one"),
        queue("many"),
      ]);
      await broker.bindQueue(a, fan, "");
      await broker.bindQueue(b, fan, "");
      await broker.bindQueue(a, direct, "red");
      await broker.bindQueue(one, topic, "announce.*");
      await broker.bindQueue(many, topic, "announce.#");
      const inboxes = {
        a: createInbox(),
        b: createInbox(),
        one: createInbox(),
        many: createInbox(),
      };
      await broker.consume(a, inboxes.a.onMessage, { noAck: true });
      await broker.consume(b, inboxes.b.onMessage, { noAck: true });
      await broker.consume(one, inboxes.one.onMessage, { noAck: true });
      await broker.consume(many, inboxes.many.onMessage, { noAck: true });

      await expect(broker.publish(fan, "ignored", "fan")).resolves.toBe("routed");
      expect(text(await inboxes.a.next())).toBe("fan");
      expect(text(await inboxes.b.next())).toBe("fan");

      await expect(broker.publish(direct, "blue", "blue", { mandatory: true })).resolves.toBe(
        "returned",
      );
      await broker.publish(direct, "red", "red");
      expect(text(await inboxes.a.next())).toBe("red");

      await broker.publish(topic, "announce.demo.echo", "deep");
      await broker.publish(topic, "announce.echo", "shallow");
      await broker.publish(topic, "query", "query");
      expect(text(await inboxes.many.next())).toBe("deep");
      expect(text(await inboxes.many.next())).toBe("shallow");
      expect(text(await inboxes.one.next())).toBe("shallow");
      // the queue bound with `*` never saw the three-word key: its first message is "shallow"
      expect(inboxes.one.received.map(text)).toEqual(["shallow"]);
    });

    it("nacks a publish that a full reject-publish queue refuses", async () => {
      const q = await queue("full", {
        arguments: { "x-max-length": 1, "x-overflow": "reject-publish" },
      });
      await expect(broker.publish("", q, "1")).resolves.toBe("routed");
      await expect(broker.publish("", q, "2")).resolves.toBe("nacked");
    });

    it("gives a consumer no more than its prefetch; the rest goes to another consumer", async () => {
      const q = await queue("prefetch");
      const first = createInbox();
      await broker.consume(q, first.onMessage, { prefetch: 1 });
      for (const body of ["1", "2", "3"]) await broker.publish("", q, body);
      expect(text(await first.next())).toBe("1");
      const second = createInbox();
      await broker.consume(q, second.onMessage, { prefetch: 10 });
      expect((await second.take(2)).map(text)).toEqual(["2", "3"]);
      expect(first.received).toHaveLength(1);
    });

    it("shares a queue among competing consumers", async () => {
      const q = await queue("compete");
      const a = createInbox();
      const b = createInbox();
      await broker.consume(q, a.onMessage, { prefetch: 2 });
      const other = await connect();
      await other.consume(q, b.onMessage, { prefetch: 2 });
      for (const body of ["1", "2", "3", "4"]) await broker.publish("", q, body);
      const got = [...(await a.take(2)), ...(await b.take(2))].map(text).sort();
      expect(got).toEqual(["1", "2", "3", "4"]);
    });

    it("redelivers a requeued message with redelivered set and counts quorum deliveries", async () => {
      const { dlx, inbox: dead } = await deadLetterSink();
      const q = await queue("quorum", {
        durable: true,
        arguments: {
          "x-queue-type": "quorum",
          "x-delivery-limit": 2,
          "x-dead-letter-exchange": dlx,
          "x-dead-letter-strategy": "at-least-once",
          "x-overflow": "reject-publish",
        },
      });
      const inbox = createInbox();
      await broker.consume(q, inbox.onMessage, { prefetch: 1 });
      await broker.publish("", q, "poison", { headers: { "x-type": "demo" } });
      const counts: unknown[] = [];
      const flags: boolean[] = [];
      for (let attempt = 1; attempt <= 3; attempt++) {
        const message = await inbox.next();
        counts.push(message.properties.headers?.["x-delivery-count"]);
        flags.push(message.redelivered);
        message.nack(true);
      }
      expect(counts).toEqual([undefined, 1, 2]);
      expect(flags).toEqual([false, true, true]);
      const deadLetter = await dead.next();
      expect(text(deadLetter)).toBe("poison");
      expect(readDeath(deadLetter.properties.headers)).toEqual({
        reason: "delivery_limit",
        queue: q,
        count: 1,
      });
      expect(deadLetter.properties.headers?.["x-type"]).toBe("demo");
      expect(deadLetter.properties.headers?.["x-first-death-reason"]).toBe("delivery_limit");
      expect(inbox.received).toHaveLength(3);
    });

    it("dead-letters a message that waited past its expiration, not one held by a consumer", async () => {
      const { dlx, inbox: dead } = await deadLetterSink();
      const q = await queue("ttl", { arguments: { "x-dead-letter-exchange": dlx } });
      const inbox = createInbox();
      await broker.consume(q, inbox.onMessage, { prefetch: 1 });
      await broker.publish("", q, "held", { expiration: "50" });
      const held = await inbox.next();
      await broker.publish("", q, "waiting", { expiration: "50" });
      const deadLetter = await dead.next();
      expect(text(deadLetter)).toBe("waiting");
      expect(deadLetter.properties.expiration).toBeUndefined();
      expect(readDeath(deadLetter.properties.headers)?.reason).toBe("expired");
      const deaths = deadLetter.properties.headers?.["x-death"];
      expect(Array.isArray(deaths)).toBe(true);
      const [death] = deaths as Record<string, unknown>[];
      expect(death).toMatchObject({
        reason: "expired",
        queue: q,
        count: 1,
        exchange: "",
        "routing-keys": [q],
        "original-expiration": "50",
      });
      held.ack();
    });

    it("dead-letters by queue x-message-ttl too", async () => {
      const { dlx, inbox: dead } = await deadLetterSink();
      const q = await queue("qttl", {
        arguments: { "x-dead-letter-exchange": dlx, "x-message-ttl": 30 },
      });
      await broker.publish("", q, "late");
      const deadLetter = await dead.next();
      expect(readDeath(deadLetter.properties.headers)).toEqual({
        reason: "expired",
        queue: q,
        count: 1,
      });
    });

    it("dead-letters a nack without requeue with reason rejected", async () => {
      const { dlx, inbox: dead } = await deadLetterSink();
      const q = await queue("reject", { arguments: { "x-dead-letter-exchange": dlx } });
      const inbox = createInbox();
      await broker.consume(q, inbox.onMessage);
      await broker.publish("", q, "bad", { correlationId: "c-1", replyTo: "r" });
      (await inbox.next()).nack(false);
      const deadLetter = await dead.next();
      expect(readDeath(deadLetter.properties.headers)?.reason).toBe("rejected");
      expect(deadLetter.properties).toMatchObject({ correlationId: "c-1", replyTo: "r" });
    });

    it("refuses to redeclare a queue with other arguments, naming it, and keeps working", async () => {
      const q = await queue("strict", { durable: true, arguments: { "x-message-ttl": 1000 } });
      const refused = broker.assertQueue(q, {
        durable: true,
        arguments: { "x-message-ttl": 2000 },
      });
      await expect(refused).rejects.toThrow(q);
      await expect(refused).rejects.toThrow(/different arguments/);
      await expect(
        broker.assertQueue(q, { durable: true, arguments: { "x-message-ttl": 1000 } }),
      ).resolves.toBeUndefined();
      const inbox = createInbox();
      await broker.consume(q, inbox.onMessage, { noAck: true });
      await expect(broker.publish("", q, "still alive")).resolves.toBe("routed");
      expect(text(await inbox.next())).toBe("still alive");
    });

    it("requeues what a closed consumer held, marked redelivered", async () => {
      const q = await queue("close");
      const first = createInbox();
      const consumer = await broker.consume(q, first.onMessage, { prefetch: 5 });
      await broker.publish("", q, "1");
      await broker.publish("", q, "2");
      await first.take(2);
      await consumer.close();
      const second = createInbox();
      await broker.consume(q, second.onMessage);
      const again = await second.take(2);
      expect(again.map(text)).toEqual(["1", "2"]);
      expect(again.map((m) => m.redelivered)).toEqual([true, true]);
      first.received[0]!.ack(); // settling after close does nothing
    });

    it("requeues what a closed broker's consumers held", async () => {
      const q = await queue("brokerclose");
      const worker = await connect();
      const first = createInbox();
      await worker.consume(q, first.onMessage);
      await broker.publish("", q, "job");
      await first.next();
      const states: string[] = [];
      worker.subscribeState((state) => states.push(state));
      await worker.close();
      expect(worker.getState()).toBe("closed");
      expect(states).toEqual(["closed"]);
      await expect(worker.publish("", q, "x")).rejects.toThrow();
      const second = createInbox();
      await broker.consume(q, second.onMessage);
      const message = await second.next();
      expect(text(message)).toBe("job");
      expect(message.redelivered).toBe(true);
    });

    describe("streams", () => {
      const offsets = (messages: readonly DeliveredMessage[]) =>
        messages.map((m) => [text(m), m.streamOffset, m.properties.headers?.["x-stream-offset"]]);
      /** A stream with `bodies` published (and confirmed) in order. */
      const stream = async (suffix: string, bodies: readonly string[]): Promise<string> => {
        const s = await queue(suffix, replyStreamOptions("1h"));
        for (const body of bodies) await broker.publish("", s, body);
        return s;
      };

      it("is read from first, from an offset and from next, by each consumer on its own, with offsets", async () => {
        const s = await stream("stream", ["a", "b", "c"]);
        const all = createInbox();
        const fromOne = createInbox();
        const fromNext = createInbox();
        const ackAll = (inbox: ReturnType<typeof createInbox>) => (m: DeliveredMessage) => {
          m.ack();
          inbox.onMessage(m);
        };
        await broker.consume(s, ackAll(all), { prefetch: 10, streamOffset: "first" });
        await broker.consume(s, ackAll(fromOne), { prefetch: 10, streamOffset: 1 });
        await broker.consume(s, ackAll(fromNext), { prefetch: 10, streamOffset: "next" });
        expect(offsets(await all.take(3))).toEqual([
          ["a", 0, 0],
          ["b", 1, 1],
          ["c", 2, 2],
        ]);
        expect(offsets(await fromOne.take(2))).toEqual([
          ["b", 1, 1],
          ["c", 2, 2],
        ]);
        await broker.publish("", s, "d");
        expect(offsets([await fromNext.next()])).toEqual([["d", 3, 3]]);
        expect(offsets([await all.next()])).toEqual([["d", 3, 3]]);
        expect(fromNext.received).toHaveLength(1);
      });

      it("starts a consumer at a timestamp: before the first message, or after the last", async () => {
        const s = await stream("stamps", ["a", "b"]);
        const early = createInbox();
        const late = createInbox();
        const then = Date.now();
        await broker.consume(s, early.onMessage, {
          prefetch: 10,
          streamOffset: { timestamp: then - 3_600_000 },
        });
        await broker.consume(s, late.onMessage, {
          prefetch: 10,
          streamOffset: { timestamp: then + 3_600_000 },
        });
        expect((await early.take(2)).map(text)).toEqual(["a", "b"]);
        await broker.publish("", s, "c");
        expect(text(await late.next())).toBe("c");
        expect(text(await early.next())).toBe("c");
        expect(late.received).toHaveLength(1);
      });

      it("refuses a stream offset on a classic queue, and a missing stream", async () => {
        const classic = await queue("notastream");
        await expect(
          broker.consume(classic, () => {}, { prefetch: 1, streamOffset: "first" }),
        ).rejects.toMatchObject({ details: { reason: "precondition_failed" } });
        await expect(
          broker.consume(`${prefix}.nostream`, () => {}, { prefetch: 1, streamOffset: "first" }),
        ).rejects.toMatchObject({ code: "NOT_FOUND" });
        await expect(
          broker.consume(classic, () => {}, { noAck: true, streamOffset: "first" }),
        ).rejects.toMatchObject({ code: "BAD_REQUEST" });
        // the classic queue kept its messages: nothing consumed it
        await broker.publish("", classic, "kept");
        const inbox = createInbox();
        await broker.consume(classic, inbox.onMessage, { noAck: true });
        expect(text(await inbox.next())).toBe("kept");
      });

      it("goes on after a dropped connection from the offset after the last one delivered", async () => {
        const s = await stream("reconnect", ["a", "b"]);
        const reader = await connect();
        const inbox = createInbox();
        await reader.consume(
          s,
          (m) => {
            m.ack();
            inbox.onMessage(m);
          },
          { prefetch: 10, streamOffset: "first" },
        );
        expect((await inbox.take(2)).map(text)).toEqual(["a", "b"]);
        await fixture.dropConnection(reader, async () => {
          await broker.publish("", s, "c");
        });
        await broker.publish("", s, "d");
        expect(offsets(await inbox.take(2))).toEqual([
          ["c", 2, 2],
          ["d", 3, 3],
        ]);
        await broker.publish("", s, "e");
        expect(text(await inbox.next())).toBe("e");
        expect(inbox.received.map(text)).toEqual(["a", "b", "c", "d", "e"]);
      });
    });

    it("deletes a queue left unused for x-expires", async () => {
      const q = await queue("expires", { arguments: { "x-expires": 100 } });
      const consumer = await broker.consume(q, () => {});
      await consumer.close();
      const deadline = Date.now() + 10_000;
      let outcome = await broker.publish("", q, "x", { mandatory: true });
      while (outcome !== "returned" && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        outcome = await broker.publish("", q, "x", { mandatory: true });
      }
      expect(outcome).toBe("returned");
    });
  });
};
