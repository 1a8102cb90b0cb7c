import { parseResumeEvent } from "./parseClientEvent.js";

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
