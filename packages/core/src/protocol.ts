// `@taskbridge/core/protocol`: the wire contract (docs/protocol.md) for code that speaks it from
// the server side — the gateway, worker SDKs, tools and tests: event names, frame and error
// schemas, client-event parsers, id rules and limits, and the handler runner both runtimes share.

export {
  createHandlerContext,
  type HandlerContextFields,
  type HandlerUpdate,
} from "./protocol/createHandlerContext.js";
export { createListeners, type Listeners } from "./protocol/createListeners.js";
export {
  cancelledError,
  createError,
  ERROR_CODES,
  type ErrorBody,
  type ErrorCode,
  isErrorBody,
  isErrorCode,
  sanitizeErrorBody,
  toErrorBody,
} from "./protocol/errors.js";
export {
  type CancelEvent,
  type ChunksFrame,
  EVENTS,
  type FrameBody,
  type FrameKind,
  forEachReplyFrame,
  isTerminalFrame,
  type Progress,
  parseReplyFrame,
  parseWireFrame,
  type ReplyFrame,
  type RequestEvent,
  type ResumeEvent,
  seqSpan,
  type TerminalFrame,
  type WireReplyFrame,
} from "./protocol/frames.js";
export {
  defineHandlers,
  type Handler,
  type HandlerContext,
  type Handlers,
  isAsyncIterable,
  isGenerator,
} from "./protocol/handler.js";
export {
  BUILTIN_TYPE_PREFIX,
  createRequestId,
  createSessionId,
  isRequestId,
  isRequestType,
  isSessionId,
  REQUEST_ID_PATTERN,
  randomId,
  requestKey,
  SESSION_ID_PATTERN,
  TYPE_PATTERN,
} from "./protocol/ids.js";
export {
  DEFAULT_REPLAY_FRAMES,
  DEFAULT_TIMEOUT_MS,
  FINISHED_RETENTION_MS,
  HANDSHAKE_PROTOCOL,
  jsonByteLength,
  MAX_PAYLOAD_BYTES,
  MAX_TIMEOUT_MS,
  MIN_HTTP_BUFFER_BYTES,
  PROTOCOL_VERSION,
  utf8ByteLength,
} from "./protocol/limits.js";
export { type LogFields, type Logger, silentLogger } from "./protocol/logger.js";
export {
  type ParseOutcome,
  parseCancelEvent,
  parseRequestEvent,
  parseResumeEvent,
  type RequestParseOutcome,
} from "./protocol/parseClientEvent.js";
export { type HandlerOutcome, type RunHandlerOptions, runHandler } from "./protocol/runHandler.js";
export {
  backgroundTimers,
  LONGEST_TIMEOUT_MS,
  realTimers,
  type Timers,
} from "./protocol/timers.js";
