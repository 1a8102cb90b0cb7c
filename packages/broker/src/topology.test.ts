import {
  deadQueueName,
  readAttempt,
  readDeath,
  replyQueueName,
  requestQueueOptions,
} from "./topology.js";

describe("topology", () => {
  it("declares request queues with exactly the arguments of docs/protocol.md §2", () => {
    expect(requestQueueOptions("quorum")).toEqual({
      durable: true,
      arguments: {
        "x-queue-type": "quorum",
        "x-delivery-limit": 3,
        "x-dead-letter-exchange": "taskbridge.dead",
        "x-dead-letter-strategy": "at-least-once",
        "x-overflow": "reject-publish",
      },
    });
    expect(requestQueueOptions("classic")).toEqual({ durable: true });
  });

  it("names a gateway's queues after its id", () => {
    expect(replyQueueName("gw-1")).toBe("taskbridge.reply.gw-1");
    expect(deadQueueName("gw-1")).toBe("taskbridge.dead.gw-1");
  });

  it("reads why a message died from RabbitMQ 3.10 headers", () => {
    const headers = {
      "x-death": [
        {
          count: 2,
          reason: "expired",
          queue: "demo.echo",
          exchange: "",
          "routing-keys": ["demo.echo"],
        },
      ],
      "x-first-death-reason": "rejected",
      "x-first-death-queue": "demo.echo",
    };
    expect(readDeath(headers)).toEqual({ reason: "rejected", queue: "demo.echo", count: 2 });
    expect(readDeath({ "x-death": [{ reason: "delivery_limit", queue: "q", count: 1 }] })).toEqual({
      reason: "delivery_limit",
      queue: "q",
      count: 1,
    });
    expect(readDeath({ "x-type": "demo.echo" })).toBeUndefined();
    expect(readDeath(undefined)).toBeUndefined();
  });

  it("numbers attempts: 1 first, x-delivery-count + 1 on quorum, 2 on a classic redelivery", () => {
    expect(readAttempt({ redelivered: false, properties: {} })).toBe(1);
    expect(
      readAttempt({ redelivered: true, properties: { headers: { "x-delivery-count": 3 } } }),
    ).toBe(4);
    expect(readAttempt({ redelivered: true, properties: { headers: {} } })).toBe(2);
  });
});
