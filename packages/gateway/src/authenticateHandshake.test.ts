import { createError } from "@taskbridge/core/protocol";
import { authenticateHandshake } from "./authenticateHandshake.js";

const sessionId = "abcdefghijklmnop";

describe("authenticateHandshake", () => {
  it("needs a valid sessionId, own property only", async () => {
    expect(await authenticateHandshake({}, {}, "", undefined)).toMatchObject({
      code: "BAD_REQUEST",
    });
    expect(await authenticateHandshake(null, {}, "", undefined)).toMatchObject({
      code: "BAD_REQUEST",
    });
    const inherited = Object.create({ sessionId });
    expect(await authenticateHandshake(inherited, {}, "", undefined)).toMatchObject({
      code: "BAD_REQUEST",
    });
  });

  it("makes every user anon without a hook", async () => {
    expect(await authenticateHandshake({ sessionId }, {}, "", undefined)).toEqual({
      principal: "anon",
      sessionId,
      claims: {},
    });
  });

  it("takes the principal and claims from the hook, and refuses otherwise", async () => {
    const ok = await authenticateHandshake({ sessionId, token: "t" }, {}, "", ({ token }) =>
      token === "t" ? { principal: "alice", claims: { roles: ["a"] } } : false,
    );
    expect(ok).toEqual({ principal: "alice", sessionId, claims: { roles: ["a"] } });
    const unauthorized = { code: "UNAUTHORIZED", message: "authentication failed" };
    for (const hook of [
      () => false as const,
      () => undefined,
      () => ({ principal: "" }),
      async () => {
        throw new Error("secret detail");
      },
    ]) {
      expect(await authenticateHandshake({ sessionId }, {}, "", hook)).toEqual(unauthorized);
    }
    const custom = createError("UNAUTHORIZED", "token expired", { retryable: true });
    expect(await authenticateHandshake({ sessionId }, {}, "", () => custom)).toEqual(custom);
  });
});
