import type { DeliveredMessage, MessageProperties } from "@taskbridge/broker";
import { readRequestMeta, requestIdOf } from "./readRequestMeta.js";

const message = (properties: MessageProperties, redelivered = false): DeliveredMessage => ({
  body: new Uint8Array(),
  properties,
  exchange: "",
  routingKey: "q",
  redelivered,
  ack: () => {},
  nack: () => {},
});

describe("readRequestMeta", () => {
  it("reads what the gateway sets (docs/protocol.md §3)", () => {
    const meta = readRequestMeta(
      message({
        correlationId: "alice:session_0123456789ab:req-1",
        replyTo: "taskbridge.reply.g1",
        headers: { "x-type": "report.generate", "x-deadline": 1234, "x-principal": "alice" },
      }),
      "queue.type",
    );
    expect(meta).toEqual({
      correlationId: "alice:session_0123456789ab:req-1",
      replyTo: "taskbridge.reply.g1",
      type: "report.generate",
      id: "req-1",
      attempt: 1,
      deadline: 1234,
      principal: "alice",
    });
  });

  it("counts attempts from x-delivery-count, or 2 for a classic redelivery", () => {
    expect(
      readRequestMeta(message({ headers: { "x-delivery-count": 3 } }, true), "t").attempt,
    ).toBe(4);
    expect(readRequestMeta(message({}, true), "t").attempt).toBe(2);
  });

  it("falls back to the queue's type, anon, and no deadline when headers are missing", () => {
    const meta = readRequestMeta(message({ correlationId: "plain" }), "demo.echo");
    expect(meta).toMatchObject({
      type: "demo.echo",
      principal: "anon",
      id: "plain",
      replyTo: undefined,
    });
    expect(meta.deadline).toBe(Number.POSITIVE_INFINITY);
    expect(readRequestMeta(message({ headers: { "x-deadline": "99" } }), "t").deadline).toBe(99);
  });

  it("takes the client's id from the last segment of the correlation id", () => {
    expect(requestIdOf("anon:abc:def")).toBe("def");
  });
});
