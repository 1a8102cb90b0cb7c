import fc from "fast-check";
import { forEachReplyFrame, parseWireFrame, type ReplyFrame, seqSpan } from "./frames.js";
import { wireReplyFrameSchema } from "./schemas.js";

// parseWireFrame (what the Socket.IO transport runs) and wireReplyFrameSchema (zod) must agree,
// as parseReplyFrame and replyFrameSchema do (frames.test.ts).
const viaSchema = (value: unknown) => {
  const parsed = wireReplyFrameSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
};

const sometimes = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: valid, weight: 4 }, { arbitrary: fc.anything(), weight: 1 });

const wireFrame = fc.record(
  {
    id: sometimes(fc.constantFrom("r1", "a_b-C", "", "x".repeat(65))),
    seq: sometimes(fc.oneof(fc.integer({ min: -2, max: 5 }), fc.double())),
    kind: sometimes(fc.constantFrom("chunks", "chunk", "accepted", "result")),
    data: fc.oneof(fc.array(fc.jsonValue(), { maxLength: 4 }), fc.anything()),
    extra: fc.anything(),
  },
  { requiredKeys: [] },
);

describe("parseWireFrame", () => {
  it("accepts what wireReplyFrameSchema accepts and returns the same frame", () => {
    fc.assert(
      fc.property(fc.oneof(wireFrame, fc.anything()), (value) => {
        expect(parseWireFrame(value)).toEqual(viaSchema(value));
      }),
      { numRuns: 3000 },
    );
  });

  it("takes a batch with at least one item, and refuses an empty or non-array one", () => {
    expect(parseWireFrame({ id: "r1", seq: 5, kind: "chunks", data: [{ i: 4 }], x: 1 })).toEqual({
      id: "r1",
      seq: 5,
      kind: "chunks",
      data: [{ i: 4 }],
    });
    expect(parseWireFrame({ id: "r1", seq: 5, kind: "chunks", data: [] })).toBeUndefined();
    expect(parseWireFrame({ id: "r1", seq: 5, kind: "chunks", data: { 0: 1 } })).toBeUndefined();
    expect(parseWireFrame({ id: "r1", seq: -1, kind: "chunks", data: [1] })).toBeUndefined();
    expect(parseWireFrame({ id: "r1", seq: 0, kind: "accepted" })).toEqual({
      id: "r1",
      seq: 0,
      kind: "accepted",
    });
  });
});

describe("forEachReplyFrame", () => {
  it("expands a batch into chunk frames with consecutive seqs, and passes other frames through", () => {
    const seen: ReplyFrame[] = [];
    forEachReplyFrame({ id: "r1", seq: 5, kind: "chunks", data: ["a", null, { b: 1 }] }, (f) =>
      seen.push(f),
    );
    forEachReplyFrame({ id: "r1", seq: 8, kind: "result", data: 3 }, (f) => seen.push(f));
    expect(seen).toEqual([
      { id: "r1", seq: 5, kind: "chunk", data: "a" },
      { id: "r1", seq: 6, kind: "chunk", data: null },
      { id: "r1", seq: 7, kind: "chunk", data: { b: 1 } },
      { id: "r1", seq: 8, kind: "result", data: 3 },
    ]);
  });

  it("counts the seqs a frame occupies", () => {
    expect(seqSpan({ id: "r1", seq: 5, kind: "chunks", data: [1, 2, 3] })).toBe(3);
    expect(seqSpan({ id: "r1", seq: 5, kind: "chunk", data: [1, 2, 3] })).toBe(1);
  });
});
