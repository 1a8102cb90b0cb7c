import { utf8ByteLength } from "./limits.js";
import { parseRequestEvent, parseResumeEvent } from "./parseClientEvent.js";

describe("parseResumeEvent", () => {
  it("takes a version 1 resume as it is", () => {
    expect(parseResumeEvent({ id: "r1", after: 3, timeoutMs: 500 })).toEqual({
      kind: "ok",
      value: { id: "r1", after: 3, timeoutMs: 500 },
    });
  });

  it("keeps the gateway and at of a 1.1 resume (docs/protocol.md §14.3)", () => {
    expect(parseResumeEvent({ id: "r1", after: -1, gateway: "gw-1.a", at: 1795310876298 })).toEqual(
      {
        kind: "ok",
        value: { id: "r1", after: -1, gateway: "gw-1.a", at: 1795310876298 },
      },
    );
    expect(parseResumeEvent({ id: "r1", after: 0, gateway: null, at: null })).toEqual({
      kind: "ok",
      value: { id: "r1", after: 0 },
    });
  });

  it("answers a malformed gateway or at with a protocol error naming the id", () => {
    for (const bad of [{ gateway: "gw 1" }, { gateway: 7 }, { at: -5 }, { at: 1.5 }, { at: "1" }]) {
      expect(parseResumeEvent({ id: "r1", after: 0, ...bad })).toMatchObject({
        kind: "protocolError",
        error: { code: "BAD_REQUEST", details: { id: "r1" } },
      });
    }
  });
});

describe("parseRequestEvent", () => {
  it("gives a usable request with its payload's JSON, whose UTF-8 size it checked", () => {
    const payload = { text: "héllo 😀" };
    const parsed = parseRequestEvent({ v: 1, id: "r1", type: "demo.echo", payload });
    expect(parsed).toEqual({
      kind: "ok",
      value: { v: 1, id: "r1", type: "demo.echo", payload },
      payloadJson: JSON.stringify(payload),
    });
    const json = JSON.stringify(payload);
    const size = new TextEncoder().encode(json).length;
    expect(parseRequestEvent({ v: 1, id: "r1", type: "t", payload }, size).kind).toBe("ok");
    expect(parseRequestEvent({ v: 1, id: "r1", type: "t", payload }, size - 1)).toMatchObject({
      kind: "reject",
      error: { code: "PAYLOAD_TOO_LARGE", details: { size, limit: size - 1 } },
    });
    expect(parseRequestEvent({ v: 1, id: "r2", type: "t" })).toMatchObject({ payloadJson: "null" });
  });
});

describe("utf8ByteLength", () => {
  it("counts what TextEncoder writes, lone surrogates included", () => {
    const encoder = new TextEncoder();
    let seed = 7;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed;
    };
    const samples = [
      "",
      "abc",
      "é",
      "€",
      "😀",
      "\ud800",
      "\udc00",
      "\ud800x",
      "x\ud800",
      "\udc00\ud800",
    ];
    for (let k = 0; k < 2000; k += 1) {
      samples.push(
        String.fromCharCode(...Array.from({ length: next() % 8 }, () => next() % 0x10000)),
      );
    }
    for (const text of samples) {
      expect({ text, bytes: utf8ByteLength(text) }).toEqual({
        text,
        bytes: encoder.encode(text).length,
      });
    }
  });
});
