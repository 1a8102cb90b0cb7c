import { createError, type ErrorBody } from "./errors.js";
import type { CancelEvent, RequestEvent, ResumeEvent } from "./frames.js";
import { isGatewayId, isRequestId, isRequestType } from "./ids.js";
import { MAX_PAYLOAD_BYTES, PROTOCOL_VERSION, utf8ByteLength } from "./limits.js";

/**
 * The outcome of checking a client event, in the three ways docs/protocol.md §2 distinguishes:
 * - `ok`: usable;
 * - `reject`: the id is usable, so the answer is one terminal `error` frame for that id;
 * - `protocolError`: the body cannot be answered by id, so the answer is a `protocol_error` event.
 */
export type ParseOutcome<T> =
  | { readonly kind: "ok"; readonly value: T }
  | { readonly kind: "reject"; readonly id: string; readonly error: ErrorBody }
  | { readonly kind: "protocolError"; readonly error: ErrorBody };

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

// Own properties only: a `__proto__` key in parsed JSON is an own property and must not reach
// the prototype chain, and inherited properties must never count as fields.
const field = (body: Record<string, unknown>, key: string): unknown =>
  Object.hasOwn(body, key) ? body[key] : undefined;

const isTimeout = (value: unknown): value is number | null | undefined =>
  value === undefined ||
  value === null ||
  (typeof value === "number" && Number.isSafeInteger(value) && value > 0);

/**
 * `parseRequestEvent`'s outcome: a usable request also brings its payload's JSON text, measured
 * for the size limit, so that a gateway publishing the payload unchanged need not write it again.
 */
export type RequestParseOutcome =
  | { readonly kind: "ok"; readonly value: RequestEvent; readonly payloadJson: string }
  | Exclude<ParseOutcome<RequestEvent>, { readonly kind: "ok" }>;

const badRequest = (message: string, details?: unknown): ErrorBody =>
  createError("BAD_REQUEST", message, details === undefined ? {} : { details });

/**
 * Checks a `request` event body; `maxPayloadBytes` defaults to 1 MiB. A usable request comes with
 * `payloadJson`, the JSON of its payload (`null` when absent) whose UTF-8 size was checked.
 */
export const parseRequestEvent = (
  body: unknown,
  maxPayloadBytes: number = MAX_PAYLOAD_BYTES,
): RequestParseOutcome => {
  if (!isPlainObject(body)) {
    return { kind: "protocolError", error: badRequest("a request must be an object") };
  }
  const id = field(body, "id");
  if (!isRequestId(id)) {
    return {
      kind: "protocolError",
      error: badRequest("a request needs an id matching [A-Za-z0-9_-]{1,64}"),
    };
  }
  const reject = (error: ErrorBody): RequestParseOutcome => ({ kind: "reject", id, error });
  if (field(body, "v") !== PROTOCOL_VERSION) {
    return reject(
      badRequest(`unsupported protocol version; this gateway speaks v${PROTOCOL_VERSION}`),
    );
  }
  const type = field(body, "type");
  if (!isRequestType(type)) {
    return reject(badRequest("type must match ^[a-z0-9][a-z0-9._-]{0,127}$", { field: "type" }));
  }
  const timeoutMs = field(body, "timeoutMs");
  if (!isTimeout(timeoutMs)) {
    return reject(badRequest("timeoutMs must be a positive integer", { field: "timeoutMs" }));
  }
  const payload = field(body, "payload") ?? null;
  let payloadJson: string;
  try {
    // A function or a symbol has no JSON at all: the worker would get null.
    payloadJson = JSON.stringify(payload) ?? "null";
  } catch {
    return reject(badRequest("payload must be JSON", { field: "payload" }));
  }
  const size = utf8ByteLength(payloadJson);
  if (size > maxPayloadBytes) {
    return reject(
      createError(
        "PAYLOAD_TOO_LARGE",
        `payload is ${size} bytes; the limit is ${maxPayloadBytes}`,
        {
          details: { size, limit: maxPayloadBytes },
        },
      ),
    );
  }
  return {
    kind: "ok",
    value: { v: PROTOCOL_VERSION, id, type, payload, ...(timeoutMs == null ? {} : { timeoutMs }) },
    payloadJson,
  };
};

/** Checks a `cancel` event body. */
export const parseCancelEvent = (body: unknown): ParseOutcome<CancelEvent> => {
  const id = isPlainObject(body) ? field(body, "id") : undefined;
  if (!isRequestId(id)) {
    return { kind: "protocolError", error: badRequest("a cancel needs a valid id") };
  }
  return { kind: "ok", value: { id } };
};

/**
 * Checks a `resume` event body. An invalid `after` or `timeoutMs` with a valid id is a
 * `protocol_error` with `details: { id }` (docs/protocol.md §2), not a terminal frame; so is an
 * invalid `gateway` (a gateway id) or `at` (epoch ms, an integer ≥ 0), the optional fields a 1.1
 * client copies from the request's `accepted` frame (§14.3). Absent or `null` means not given.
 */
export const parseResumeEvent = (body: unknown): ParseOutcome<ResumeEvent> => {
  const id = isPlainObject(body) ? field(body, "id") : undefined;
  if (!isPlainObject(body) || !isRequestId(id)) {
    return { kind: "protocolError", error: badRequest("a resume needs a valid id") };
  }
  const after = field(body, "after");
  if (typeof after !== "number" || !Number.isSafeInteger(after) || after < -1) {
    return {
      kind: "protocolError",
      error: badRequest("resume.after must be an integer ≥ -1", { id }),
    };
  }
  const timeoutMs = field(body, "timeoutMs");
  if (!isTimeout(timeoutMs)) {
    return {
      kind: "protocolError",
      error: badRequest("resume.timeoutMs must be a positive integer", { id }),
    };
  }
  const gateway = field(body, "gateway");
  if (gateway != null && !isGatewayId(gateway)) {
    return {
      kind: "protocolError",
      error: badRequest("resume.gateway must be a gateway id", { id }),
    };
  }
  const at = field(body, "at");
  if (at != null && (typeof at !== "number" || !Number.isSafeInteger(at) || at < 0)) {
    return {
      kind: "protocolError",
      error: badRequest("resume.at must be an integer ≥ 0", { id }),
    };
  }
  return {
    kind: "ok",
    value: {
      id,
      after,
      ...(timeoutMs == null ? {} : { timeoutMs }),
      ...(gateway == null ? {} : { gateway }),
      ...(at == null ? {} : { at }),
    },
  };
};
