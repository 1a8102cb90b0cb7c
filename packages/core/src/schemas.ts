// `@taskbridge/core/schemas`: the wire's shapes (docs/protocol.md §2 frames, §7 error bodies) as
// zod/mini schemas, for servers, tools and tests. Needs zod installed (an optional peer of
// @taskbridge/core); clients check the same shapes without it (`parseReplyFrame`, `isErrorBody`).
export {
  chunksFrameSchema,
  errorBodySchema,
  errorCodeSchema,
  progressSchema,
  replyFrameSchema,
  wireReplyFrameSchema,
} from "./protocol/schemas.js";
