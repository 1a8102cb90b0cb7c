import { createError, type ErrorBody, type ErrorCode } from "@taskbridge/core/protocol";

/**
 * One realistic error body for each code a user of a taskbridge app can meet (docs/protocol.md §7),
 * with the message a person would read. Stories render each one, so what a component shows for
 * every failure is visible, and checked, in one place.
 */
export const USER_ERRORS = {
  TIMEOUT: createError("TIMEOUT", "no result within 30000 ms", { retryable: true }),
  CANCELLED: createError("CANCELLED", "the request was cancelled"),
  UNAVAILABLE: createError("UNAVAILABLE", "no worker serves report.generate right now", {
    retryable: true,
  }),
  WORKER_ERROR: createError("WORKER_ERROR", "the report template is missing"),
  WORKER_CRASHED: createError("WORKER_CRASHED", "the worker crashed 4 times on this request"),
  RATE_LIMITED: createError("RATE_LIMITED", "too many requests: try again in 10 s", {
    retryable: true,
    details: { retryAfterMs: 10_000 },
  }),
  UNAUTHORIZED: createError("UNAUTHORIZED", "your session has expired: sign in again"),
  FORBIDDEN: createError("FORBIDDEN", "you may not run report.generate"),
  PAYLOAD_TOO_LARGE: createError(
    "PAYLOAD_TOO_LARGE",
    "payload is 1153433 bytes; the limit is 1048576",
  ),
  UNKNOWN_TYPE: createError("UNKNOWN_TYPE", "no service serves report.generat"),
  BAD_REQUEST: createError("BAD_REQUEST", "month must look like 2026-10"),
  NOT_FOUND: createError("NOT_FOUND", "the request is no longer known to the gateway"),
  INTERNAL: createError("INTERNAL", "the gateway failed; the incident was logged"),
} as const satisfies Record<ErrorCode, ErrorBody>;

/** The codes of `USER_ERRORS`, for a select control. */
export const USER_ERROR_CODES = Object.keys(USER_ERRORS) as ErrorCode[];
