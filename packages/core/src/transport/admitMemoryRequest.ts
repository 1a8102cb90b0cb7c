import {
  createError,
  type ErrorBody,
  MAX_PAYLOAD_BYTES,
  PROTOCOL_VERSION,
  parseRequestEvent,
  type RequestEvent,
} from "../protocol/index.js";
import { describeZodIssues } from "./describeZodIssues.js";
import type { MemoryTransportOptions } from "./memoryTransportOptions.js";
import type { TransportRequest } from "./transport.js";

/** A request the memory transport takes on, or the error it is refused with (no `accepted`). */
export type MemoryAdmission =
  | { readonly kind: "admitted"; readonly request: RequestEvent }
  | { readonly kind: "refused"; readonly error: ErrorBody };

/**
 * The checks a gateway makes before it accepts a request, made by the memory transport: the
 * request event's shape and size (`BAD_REQUEST`, `PAYLOAD_TOO_LARGE`), an id still in flight
 * (`BAD_REQUEST`, as the gateway's `protocol_error`), a type no handler serves (`UNKNOWN_TYPE`)
 * and, with a `contract`, the payload schema (`BAD_REQUEST` whose `details.issues` name the
 * failing fields).
 *
 * @example
 * const admission = admitMemoryRequest(request, options, (id) => inFlight.has(id));
 * if (admission.kind === "refused") deliverError(admission.error);
 */
export const admitMemoryRequest = (
  request: TransportRequest,
  options: Pick<MemoryTransportOptions, "handlers" | "contract" | "maxPayloadBytes">,
  isInFlight: (id: string) => boolean,
): MemoryAdmission => {
  const parsed = parseRequestEvent(
    { ...request, v: PROTOCOL_VERSION },
    options.maxPayloadBytes ?? MAX_PAYLOAD_BYTES,
  );
  if (parsed.kind !== "ok") return { kind: "refused", error: parsed.error };
  const { id, type, payload } = parsed.value;
  if (isInFlight(id)) {
    return {
      kind: "refused",
      error: createError("BAD_REQUEST", `request id ${id} is already in flight`, {
        details: { id },
      }),
    };
  }
  if (!Object.hasOwn(options.handlers, type)) {
    return { kind: "refused", error: createError("UNKNOWN_TYPE", `no service serves ${type}`) };
  }
  const checked = options.contract?.[type]?.payload?.safeParse(payload);
  if (checked && !checked.success) {
    return {
      kind: "refused",
      error: createError("BAD_REQUEST", `invalid payload for ${type}`, {
        details: { issues: describeZodIssues(checked.error) },
      }),
    };
  }
  return { kind: "admitted", request: parsed.value };
};
