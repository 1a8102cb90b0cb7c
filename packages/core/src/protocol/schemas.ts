import * as z from "zod/mini";
import { ERROR_CODES } from "./errors.js";
import { GATEWAY_ID_PATTERN, REQUEST_ID_PATTERN } from "./ids.js";

// The wire's shapes as zod/mini schemas, for servers, tools and tests that want zod's errors.
// Nothing on a client's path imports this file: the client checks frames and error bodies with
// plain code (`parseReplyFrame`, `isErrorBody`) that accepts exactly what these accept
// (frames.test.ts holds the two together), so zod stays an optional peer of @taskbridge/core.

export const errorCodeSchema = z.enum(ERROR_CODES);

export const errorBodySchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
  details: z.optional(z.unknown()),
  retryable: z.optional(z.boolean()),
});

// zod 4's number() already refuses Infinity and NaN; int() is a safe integer.
export const progressSchema = z.object({
  done: z.number(),
  total: z.optional(z.number()),
  message: z.optional(z.string()),
});

// A browser app never uses these schemas (it checks frames with parseReplyFrame), and its bundler
// drops them only if it can see that building them has no side effects: zod marks its own
// functions, and these two are marked here — a spread at the call site or a bare `.check()`
// would keep them all.
const intAtLeast = /* @__NO_SIDE_EFFECTS__ */ (min: number) => z.int().check(z.minimum(min));

const frameSchema = /* @__NO_SIDE_EFFECTS__ */ <TShape extends z.core.$ZodShape>(shape: TShape) =>
  z.object({ id: z.string().check(z.regex(REQUEST_ID_PATTERN)), seq: intAtLeast(0), ...shape });

/**
 * Runtime validation of a `reply` frame as a zod schema, for servers, tools and tests;
 * `parseReplyFrame` accepts exactly the same frames without zod.
 */
export const replyFrameSchema = z.discriminatedUnion("kind", [
  frameSchema({
    kind: z.literal("accepted"),
    gateway: z.optional(z.string().check(z.regex(GATEWAY_ID_PATTERN))),
    at: z.optional(intAtLeast(0)),
  }),
  frameSchema({ kind: z.literal("chunk"), data: z.unknown() }),
  frameSchema({ kind: z.literal("progress"), progress: progressSchema }),
  frameSchema({ kind: z.literal("restart"), attempt: intAtLeast(1) }),
  frameSchema({ kind: z.literal("result"), data: z.unknown() }),
  frameSchema({ kind: z.literal("error"), error: errorBodySchema }),
]);

/** A protocol 1.1 batch of chunks (docs/protocol.md §14.2): `data` holds at least one item. */
export const chunksFrameSchema = frameSchema({
  kind: z.literal("chunks"),
  data: z.array(z.unknown()).check(z.minLength(1)),
});

/** What a `reply` event may carry: a frame, or a 1.1 batch; `parseWireFrame` accepts the same. */
export const wireReplyFrameSchema = z.union([replyFrameSchema, chunksFrameSchema]);
