import type { Broker, PublishOptions, PublishOutcome } from "@taskbridge/broker";
import { createReplySender } from "./createReplySender.js";

// A broker whose publishes wait until the test confirms them, oldest first.
const manualBroker = () => {
  const published: { body: string; headers: PublishOptions["headers"] }[] = [];
  const waiting: ((outcome: PublishOutcome) => void)[] = [];
  const broker = {
    publish: (_exchange: string, _key: string, body: string, options?: PublishOptions) => {
      published.push({ body, headers: options?.headers });
      return new Promise<PublishOutcome>((resolve) => waiting.push(resolve));
    },
  } as unknown as Broker;
  const confirm = async (count: number) => {
    for (const resolve of waiting.splice(0, count)) resolve("routed");
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { broker, published, confirm, unconfirmed: () => waiting.length };
};

describe("createReplySender", () => {
  it("hands at most `window` replies to the broker at once and sends the rest in order", async () => {
    const { broker, published, confirm, unconfirmed } = manualBroker();
    const replies = createReplySender({
      broker,
      replyTo: "reply",
      correlationId: "anon:s:r1",
      attempt: 1,
      onFailure: () => {},
      window: 4,
    });
    for (let i = 0; i < 10; i += 1) replies.send("chunk", JSON.stringify({ i }));
    const finished = replies.finish("result", JSON.stringify({ count: 10 }));
    expect(unconfirmed()).toBe(4);
    expect(replies.pending()).toBe(11);
    while (unconfirmed() > 0) {
      await confirm(1);
      expect(unconfirmed()).toBeLessThanOrEqual(4);
    }
    await expect(finished).resolves.toBe(true);
    expect(published.map((p) => [p.headers?.["x-seq"], p.headers?.["x-kind"], p.body])).toEqual([
      ...Array.from({ length: 10 }, (_, i) => [i, "chunk", JSON.stringify({ i })]),
      [10, "result", JSON.stringify({ count: 10 })],
    ]);
    expect(replies.pending()).toBe(0);
  });

  it("drain() waits until the replies sent are down to the low-water mark", async () => {
    const { broker, confirm } = manualBroker();
    const replies = createReplySender({
      broker,
      replyTo: "reply",
      correlationId: "anon:s:r2",
      attempt: 2,
      onFailure: () => {},
      window: 4,
      lowWater: 2,
    });
    for (let i = 0; i < 6; i += 1) replies.send("chunk", String(i));
    let drained = false;
    void replies.drain().then(() => {
      drained = true;
    });
    await confirm(3);
    expect(drained).toBe(false);
    await confirm(1);
    expect(drained).toBe(true);
  });

  it("after a failed publish sends nothing more and settles the waiting terminal reply as lost", async () => {
    const failures: unknown[] = [];
    let calls = 0;
    const broker = {
      publish: () => {
        calls += 1;
        return calls === 1 ? Promise.reject(new Error("channel closed")) : new Promise(() => {});
      },
    } as unknown as Broker;
    const replies = createReplySender({
      broker,
      replyTo: "reply",
      correlationId: "anon:s:r3",
      attempt: 1,
      onFailure: (error) => failures.push(error),
      window: 1,
    });
    replies.send("chunk", "1");
    replies.send("chunk", "2");
    await expect(replies.finish("result", "null")).resolves.toBe(false);
    expect(calls).toBe(1);
    expect(replies.failed()).toBe(true);
    expect(failures).toHaveLength(1);
  });

  it("treats a nacked chunk as a failed publish: a stream must not go on with a hole in it", async () => {
    // RabbitMQ nacks a publish to a stream whose leader is being re-elected (a cluster node
    // stopped); the chunks after it may be routed. Going on would hand the client a stream with
    // a gap and the result after it; failing hands the request back for a clean attempt.
    const failures: unknown[] = [];
    const outcomes: PublishOutcome[] = ["routed", "nacked"];
    const sent: unknown[] = [];
    const broker = {
      publish: (_exchange: string, _key: string, _body: string, options?: PublishOptions) => {
        sent.push(options?.headers?.["x-seq"]);
        return Promise.resolve(outcomes.shift() ?? "routed");
      },
    } as unknown as Broker;
    const replies = createReplySender({
      broker,
      replyTo: "reply",
      correlationId: "anon:s:r4",
      attempt: 1,
      onFailure: (error) => failures.push(error),
      window: 1,
    });
    for (let i = 0; i < 4; i += 1) replies.send("chunk", String(i));
    await expect(replies.finish("result", "null")).resolves.toBe(false);
    expect(sent).toEqual([0, 1]);
    expect(replies.failed()).toBe(true);
    expect(failures).toHaveLength(1);
  });
});
