import { negotiateProtocol, speaksV11 } from "./socketProtocol.js";

describe("negotiateProtocol", () => {
  it('grants 1.1 only to auth.protocol "1.1"; anything else is version 1, never an error', () => {
    expect(negotiateProtocol({ sessionId: "s", protocol: "1.1" })).toBe("1.1");
    for (const auth of [
      { sessionId: "s" },
      { protocol: "1.2" },
      { protocol: 1.1 },
      { protocol: ["1.1"] },
      Object.create({ protocol: "1.1" }),
      null,
      "1.1",
      undefined,
    ]) {
      expect(negotiateProtocol(auth)).toBe("1");
    }
  });

  it("reads the socket's negotiated protocol back", () => {
    expect(speaksV11({ data: { protocol: "1.1" } })).toBe(true);
    expect(speaksV11({ data: { protocol: "1" } })).toBe(false);
    expect(speaksV11({})).toBe(false);
  });
});
