/** docs/protocol.md §2: request ids are chosen by the client, unique within its session. */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** docs/protocol.md §2: a session id carries at least 128 bits of randomness. */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
/** docs/protocol.md §2: a request type names a service, e.g. `report.generate`. */
export const TYPE_PATTERN = /^[a-z0-9][a-z0-9._-]{0,127}$/;
/** docs/protocol.md §1: a gateway id names its reply queue or stream, `taskbridge.reply.<id>`. */
export const GATEWAY_ID_PATTERN = /^[A-Za-z0-9_.-]{1,200}$/;
/** Types under this prefix are answered by the gateway itself (docs/protocol.md §6). */
export const BUILTIN_TYPE_PREFIX = "taskbridge.";

export const isRequestId = (value: unknown): value is string =>
  typeof value === "string" && REQUEST_ID_PATTERN.test(value);

export const isSessionId = (value: unknown): value is string =>
  typeof value === "string" && SESSION_ID_PATTERN.test(value);

export const isGatewayId = (value: unknown): value is string =>
  typeof value === "string" && GATEWAY_ID_PATTERN.test(value);

export const isRequestType = (value: unknown): value is string =>
  typeof value === "string" && TYPE_PATTERN.test(value);

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

/** A random id of `length` characters from the 64-letter id alphabet (6 bits each). */
export const randomId = (length = 22): string => {
  const bytes = new Uint8Array(length);
  globalThis.crypto.getRandomValues(bytes);
  let id = "";
  for (const byte of bytes) id += ALPHABET[byte & 63];
  return id;
};

/** A fresh session id: 22 characters, 132 bits. */
export const createSessionId = (): string => randomId(22);

/** A fresh request id, unique with overwhelming probability. */
export const createRequestId = (): string => randomId(16);

/** The request key `<principal>:<sessionId>:<id>` used as the AMQP correlation id. */
export const requestKey = (principal: string, sessionId: string, id: string): string =>
  `${principal}:${sessionId}:${id}`;
