import { createError, type ErrorBody, isRequestId } from "../protocol/index.js";
import type { TransportRequest } from "./transport.js";

/**
 * What the Socket.IO transport refuses before anything is sent: a request it could not track
 * (an id the gateway could only answer with an id-less `protocol_error`) or whose client-side
 * deadline it could not compute (`timeoutMs` not a positive integer). The gateway judges
 * everything else (type, payload, authorization). Returns the error body, or undefined when the
 * request may go.
 *
 * @example
 * checkSocketIoRequest({ id: "a b", type: "demo.echo", payload: 1 }) // → BAD_REQUEST
 */
export const checkSocketIoRequest = (request: TransportRequest): ErrorBody | undefined => {
  if (!isRequestId(request.id)) {
    return createError("BAD_REQUEST", "a request id must match [A-Za-z0-9_-]{1,64}");
  }
  const { timeoutMs } = request;
  if (timeoutMs != null && !(Number.isSafeInteger(timeoutMs) && timeoutMs > 0)) {
    return createError("BAD_REQUEST", "timeoutMs must be a positive integer", {
      details: { field: "timeoutMs" },
    });
  }
  return undefined;
};
