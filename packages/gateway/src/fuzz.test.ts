import { ERROR_CODES, type ReplyFrame } from "@taskbridge/core/protocol";
import fc from "fast-check";
import { createGatewayHarness, type GatewayHarness } from "../testing/createGatewayHarness.js";

const validId = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
const anyId = fc.oneof(
  validId,
  fc.string(),
  fc.integer(),
  fc.constantFrom(null, "", "x".repeat(65), "__proto__", "a b", "é"),
);
const anyType = fc.oneof(
  fc.constantFrom(
    "demo.echo",
    "taskbridge.services",
    "taskbridge.nope",
    "Bad",
    "",
    "a".repeat(200),
  ),
  fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/),
  fc.anything(),
);
const anyTimeout = fc.oneof(
  fc.constantFrom(undefined, null, 0, -1, 1.5, Number.MAX_SAFE_INTEGER + 2, "100"),
  fc.integer({ min: 1, max: 10_000_000 }),
);
const requestBody = fc.record(
  {
    v: fc.oneof(fc.constant(1), fc.anything()),
    id: anyId,
    type: anyType,
    payload: fc.jsonValue(),
    timeoutMs: anyTimeout,
  },
  { requiredKeys: [] },
);
const resumeBody = fc.record(
  {
    id: anyId,
    after: fc.oneof(fc.integer({ min: -3, max: 5 }), fc.anything()),
    timeoutMs: anyTimeout,
  },
  { requiredKeys: [] },
);
// A `__proto__` own key, as JSON.parse makes it: it must do nothing.
const withProto = fc.tuple(fc.jsonValue(), requestBody).map(([proto, body]) => ({
  ...JSON.parse(`{"__proto__": ${JSON.stringify(proto ?? null)}}`),
  ...body,
}));

const event = fc.oneof(
  fc.record({
    name: fc.constant("request"),
    body: fc.oneof(requestBody, withProto, fc.anything()),
  }),
  fc.record({
    name: fc.constant("cancel"),
    body: fc.oneof(fc.record({ id: anyId }), fc.anything()),
  }),
  fc.record({ name: fc.constant("resume"), body: fc.oneof(resumeBody, fc.anything()) }),
  fc.record({ name: fc.constantFrom("bogus", "reply", "protocol_error"), body: fc.anything() }),
);

const isTerminal = (frame: ReplyFrame) => frame.kind === "result" || frame.kind === "error";

describe("gateway under arbitrary client frames", () => {
  let harness: GatewayHarness;
  afterAll(async () => {
    await harness.close();
  });

  it("answers each with a specific error or protocol_error, stays up, and serves others", async () => {
    harness = await createGatewayHarness({
      limits: { rateLimit: { tokens: 10_000, perMs: 1000 } },
    });
    await harness.serve("demo.echo", (message) => {
      void harness.reply(message, {
        kind: "result",
        body: JSON.parse(new TextDecoder().decode(message.body)),
      });
    });
    const fuzzer = await harness.connect();
    const honest = await harness.connect();
    let probe = 0;

    await fc.assert(
      fc.asyncProperty(event, async ({ name, body }) => {
        const errorsBefore = fuzzer.protocolErrors.length;
        const repliesBefore = fuzzer.replies.length;
        fuzzer.socket.emit(name, body);
        const probeId = `probe-${probe++}`;
        fuzzer.socket.emit("request", { v: 1, id: probeId, type: "taskbridge.services" });
        await fuzzer.terminal(probeId);
        const newErrors = fuzzer.protocolErrors.slice(errorsBefore);
        for (const error of newErrors) expect(error.code).toBe("BAD_REQUEST");
        const id =
          typeof body === "object" && body !== null && Object.hasOwn(body, "id")
            ? (body as { id: unknown }).id
            : undefined;
        if (name === "request" && newErrors.length === 0) {
          // Not a protocol_error: then the id was usable and exactly one terminal frame comes.
          expect(typeof id).toBe("string");
          await fuzzer.terminal(id as string);
          const frames = fuzzer.replies.slice(repliesBefore).filter((f) => f.id === id);
          expect(frames.filter(isTerminal)).toHaveLength(1);
          for (const frame of frames) {
            if (frame.kind === "error") expect(ERROR_CODES).toContain(frame.error.code);
          }
        }
        if (name === "request") expect(newErrors.length).toBeLessThanOrEqual(1);
        if (name === "bogus" || name === "reply" || name === "protocol_error") {
          expect(newErrors).toEqual([]);
        }
        expect(Object.hasOwn(Object.prototype, "id")).toBe(false);
      }),
      { numRuns: 200 },
    );

    expect(fuzzer.socket.connected).toBe(true);
    honest.socket.emit("request", { v: 1, id: "echo", type: "demo.echo", payload: { ok: 1 } });
    expect(await honest.terminal("echo")).toMatchObject({ kind: "result", data: { ok: 1 } });
    expect(honest.protocolErrors).toEqual([]);
    expect(honest.replies.every((frame) => frame.id === "echo")).toBe(true);
  });
});
