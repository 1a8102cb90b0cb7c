// zod/mini, not zod: this module is in every browser app (createError, isErrorBody). The schemas
// are for servers and tools; an app that does not use them drops them, and classic zod could not
// be dropped: its first schema pulls in all of zod (~25 kB gzip).

/** Every error code of docs/protocol.md §7. A code outside this list becomes `INTERNAL` when it crosses the gateway. */
export const ERROR_CODES = [
  "BAD_REQUEST",
  "UNKNOWN_TYPE",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "PAYLOAD_TOO_LARGE",
  "RATE_LIMITED",
  "TIMEOUT",
  "CANCELLED",
  "UNAVAILABLE",
  "WORKER_ERROR",
  "WORKER_CRASHED",
  "NOT_FOUND",
  "INTERNAL",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * The one error shape of taskbridge: a plain object that crosses JSON, AMQP and Python unchanged.
 * `message` is for people; nothing sent to a client carries a stack trace.
 */
export type ErrorBody = {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details?: unknown;
  readonly retryable?: boolean;
};

/** True when `value` is one of the codes of docs/protocol.md §7. */
export const isErrorCode = (value: unknown): value is ErrorCode =>
  typeof value === "string" && (ERROR_CODES as readonly string[]).includes(value);

/**
 * Creates an error body. Optional fields are left out when not given, so the object
 * serialises to exactly what docs/protocol.md §7 shows.
 *
 * @example
 * createError("TIMEOUT", "no reply within 5000 ms", { retryable: true })
 */
export const createError = (
  code: ErrorCode,
  message: string,
  extra: { details?: unknown; retryable?: boolean } = {},
): ErrorBody => ({
  code,
  message,
  ...(extra.details === undefined ? {} : { details: extra.details }),
  ...(extra.retryable === undefined ? {} : { retryable: extra.retryable }),
});

/**
 * The error that ends a request its client cancelled (`cancel`, an aborted signal, an unmount).
 * One wording everywhere — memory transport, Socket.IO transport, gateway, worker SDKs — so an
 * app sees the same `CANCELLED` body whichever way the request went.
 */
export const cancelledError = (): ErrorBody =>
  createError("CANCELLED", "the request was cancelled");

/**
 * The guard for error bodies: a known code, a string message and, when present, a boolean
 * `retryable` — what `errorBodySchema` accepts. Plain code rather than the schema, so an app that
 * only guards errors (every memory-transport app) bundles no zod at all.
 */
export const isErrorBody = (value: unknown): value is ErrorBody => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const { code, message, retryable } = value as Record<string, unknown>;
  return (
    isErrorCode(code) &&
    typeof message === "string" &&
    (retryable === undefined || typeof retryable === "boolean")
  );
};

/**
 * Turns whatever a handler threw into an error body fit for a client: an error body passes
 * through (an unknown code becomes `INTERNAL`), anything else becomes `fallbackCode` with the
 * thrown message and never its stack.
 */
export const toErrorBody = (
  thrown: unknown,
  fallbackCode: ErrorCode = "WORKER_ERROR",
): ErrorBody => {
  if (typeof thrown === "object" && thrown !== null && "code" in thrown && "message" in thrown) {
    const { code, message, details, retryable } = thrown as Record<string, unknown>;
    if (typeof message === "string" && typeof code === "string" && isErrorCode(code)) {
      return createError(code, message, {
        details,
        retryable: typeof retryable === "boolean" ? retryable : undefined,
      });
    }
  }
  if (thrown instanceof Error) return createError(fallbackCode, thrown.message || thrown.name);
  if (typeof thrown === "string") return createError(fallbackCode, thrown);
  return createError(fallbackCode, "the handler failed");
};

/**
 * What the gateway forwards of a worker's error body (docs/protocol.md §3): only `code` (unknown
 * codes become `INTERNAL`), `message`, `details` and `retryable`.
 */
export const sanitizeErrorBody = (value: unknown): ErrorBody => {
  if (typeof value !== "object" || value === null) {
    return createError("INTERNAL", "the worker sent an unreadable error");
  }
  const { code, message, details, retryable } = value as Record<string, unknown>;
  return createError(
    isErrorCode(code) ? code : "INTERNAL",
    typeof message === "string" ? message : "the worker failed",
    { details, retryable: typeof retryable === "boolean" ? retryable : undefined },
  );
};
