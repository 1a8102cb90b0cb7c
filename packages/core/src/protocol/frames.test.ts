import fc from "fast-check";
import { isErrorBody } from "./errors.js";
import { parseReplyFrame } from "./frames.js";
import { errorBodySchema, replyFrameSchema } from "./schemas.js";

// parseReplyFrame (hand-written, what the Socket.IO transport runs in browsers) and
// replyFrameSchema (zod/mini, for servers and tools) must accept and return the same frames.
const viaSchema = (value: unknown) => {
  const parsed = replyFrameSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
};

const sometimes = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: valid, weight: 4 }, { arbitrary: fc.anything(), weight: 1 });

const errorBody = fc.record(
  {
    code: sometimes(fc.constantFrom("TIMEOUT", "WORKER_ERROR", "INTERNAL", "NOPE")),
    message: sometimes(fc.string()),
    details: fc.anything(),
    retryable: sometimes(fc.boolean()),
    extra: fc.anything(),
  },
  { requiredKeys: [] },
);

const frame = fc.record(
  {
    id: sometimes(fc.constantFrom("r1", "a_b-C", "", "no spaces", "x".repeat(65))),
    seq: sometimes(fc.oneof(fc.integer({ min: -2, max: 5 }), fc.double())),
    kind: sometimes(
      fc.constantFrom("accepted", "chunk", "progress", "restart", "result", "error", "other"),
    ),
    data: fc.anything(),
    progress: sometimes(
      fc.record(
        {
          done: sometimes(fc.double()),
          total: sometimes(fc.double()),
          message: sometimes(fc.string()),
          extra: fc.anything(),
        },
        { requiredKeys: [] },
      ),
    ),
    attempt: sometimes(fc.oneof(fc.integer({ min: -1, max: 4 }), fc.double())),
    error: sometimes(errorBody),
    gateway: sometimes(fc.constantFrom("gw-1", "host.example-8080", "", "no spaces")),
    at: sometimes(fc.oneof(fc.integer({ min: -1, max: 2 ** 53 }), fc.double())),
    extra: fc.anything(),
  },
  { requiredKeys: [] },
);

describe("parseReplyFrame", () => {
  it("accepts what replyFrameSchema accepts and returns the same frame", () => {
    fc.assert(
      fc.property(fc.oneof(frame, fc.anything()), (value) => {
        expect(parseReplyFrame(value)).toEqual(viaSchema(value));
      }),
      { numRuns: 3000 },
    );
  });

  it("keeps only the fields of the frame's kind", () => {
    expect(
      parseReplyFrame({
        id: "r1",
        seq: 2,
        kind: "error",
        data: 1,
        error: { code: "TIMEOUT", message: "late", retryable: true, stack: "…" },
      }),
    ).toEqual({
      id: "r1",
      seq: 2,
      kind: "error",
      error: { code: "TIMEOUT", message: "late", retryable: true },
    });
    expect(parseReplyFrame({ id: "r1", seq: 0, kind: "progress", progress: { done: 1 } })).toEqual({
      id: "r1",
      seq: 0,
      kind: "progress",
      progress: { done: 1 },
    });
  });

  it("keeps where a 1.1 accepted frame's replies live (docs/protocol.md §14.3)", () => {
    const accepted = { id: "r1", seq: 0, kind: "accepted", gateway: "gw-1", at: 1795310876298 };
    expect(parseReplyFrame({ ...accepted, extra: 1 })).toEqual(accepted);
    expect(parseReplyFrame({ ...accepted, gateway: "gw 1" })).toBeUndefined();
    expect(parseReplyFrame({ ...accepted, at: -1 })).toBeUndefined();
  });

  it("refuses malformed frames", () => {
    expect(parseReplyFrame({ id: "r1", seq: -1, kind: "accepted" })).toBeUndefined();
    expect(parseReplyFrame({ id: "r 1", seq: 0, kind: "accepted" })).toBeUndefined();
    expect(parseReplyFrame({ id: "r1", seq: 0, kind: "restart", attempt: 0 })).toBeUndefined();
    expect(
      parseReplyFrame({ id: "r1", seq: 0, kind: "progress", progress: { done: Infinity } }),
    ).toBeUndefined();
    expect(parseReplyFrame({ id: "r1", seq: 0, kind: "result" })).toBeUndefined();
    expect(parseReplyFrame([{ id: "r1", seq: 0, kind: "accepted" }])).toBeUndefined();
  });
});

describe("isErrorBody", () => {
  it("agrees with errorBodySchema", () => {
    fc.assert(
      fc.property(fc.oneof(errorBody, fc.anything()), (value) => {
        expect(isErrorBody(value)).toBe(errorBodySchema.safeParse(value).success);
      }),
      { numRuns: 3000 },
    );
  });
});
