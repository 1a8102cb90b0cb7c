import { createError } from "@taskbridge/core/protocol";
import { z } from "zod";
import { definePlugin } from "./definePlugin.js";
import { type PublicationInput, preparePublication } from "./preparePublication.js";

const input = (over: Partial<PublicationInput> = {}): PublicationInput => ({
  id: "r1",
  type: "report.generate",
  payload: { month: "2026-01" },
  principal: "alice",
  claims: { roles: ["reports"] },
  sessionId: "s".repeat(16),
  requestKey: `alice:${"s".repeat(16)}:r1`,
  timeoutMs: undefined,
  defaultTimeoutMs: 600_000,
  maxTimeoutMs: 3_600_000,
  now: 1_000,
  ...over,
});

describe("preparePublication", () => {
  it("routes type T to queue T with the protocol headers, synchronously without plugins", () => {
    const out = preparePublication([], input({ timeoutMs: 5000 }));
    expect(out).toEqual({
      queue: "report.generate",
      payload: { month: "2026-01" },
      headers: { "x-type": "report.generate", "x-deadline": 6000, "x-principal": "alice" },
      timeoutMs: 5000,
      deadline: 6000,
      onReply: undefined,
    });
  });

  it("clamps the timeout to the maximum and takes a plugin's default", async () => {
    expect(preparePublication([], input({ timeoutMs: 99_999_999 }))).toMatchObject({
      timeoutMs: 3_600_000,
    });
    const plugin = definePlugin({ name: "p", match: /^report\./, timeoutMs: 42_000 });
    expect(await preparePublication([plugin], input())).toMatchObject({ timeoutMs: 42_000 });
  });

  it("lets a plugin route, validate, authorize and change what is published", async () => {
    const plugin = definePlugin({
      name: "reports",
      match: (type) => type.startsWith("report."),
      queue: (type) => `q.${type}`,
      payloadSchema: z.object({ month: z.string() }),
      authorize: async (ctx) => ctx.principal === "alice",
      beforePublish: (ctx) => ({
        headers: { "x-tenant": "t1" },
        payload: { ...(ctx.payload as object), by: ctx.principal },
      }),
    });
    const out = await preparePublication([plugin], input());
    expect(out).toMatchObject({
      queue: "q.report.generate",
      payload: { month: "2026-01", by: "alice" },
      headers: { "x-type": "report.generate", "x-tenant": "t1" },
    });
    expect(await preparePublication([plugin], input({ principal: "bob" }))).toMatchObject({
      code: "FORBIDDEN",
    });
    expect(await preparePublication([plugin], input({ payload: { month: 1 } }))).toMatchObject({
      code: "BAD_REQUEST",
      details: { issues: [{ path: ["month"] }] },
    });
  });

  it("passes an error body a hook returns, and turns a throwing plugin into INTERNAL", async () => {
    const refuse = definePlugin({
      name: "quota",
      match: "report.generate",
      beforePublish: () => createError("RATE_LIMITED", "quota used up"),
    });
    expect(await preparePublication([refuse], input())).toEqual({
      code: "RATE_LIMITED",
      message: "quota used up",
    });
    const broken = definePlugin({
      name: "broken",
      match: "report.generate",
      authorize: () => {
        throw new Error("db down");
      },
    });
    expect(await preparePublication([broken], input())).toEqual({
      code: "INTERNAL",
      message: 'the gateway plugin "broken" failed',
    });
  });

  it("leaves types a plugin does not claim on the default route", () => {
    const plugin = definePlugin({ name: "p", match: "other", queue: "elsewhere" });
    expect(preparePublication([plugin], input())).toMatchObject({ queue: "report.generate" });
  });
});
