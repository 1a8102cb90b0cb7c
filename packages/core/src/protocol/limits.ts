/** The protocol version every `request` frame carries as `v`. */
export const PROTOCOL_VERSION = 1;
/**
 * The protocol a client asks for in its handshake (`auth.protocol`) and a gateway grants per
 * socket (docs/protocol.md §14.1); any other value, or none, is version 1.
 */
export const HANDSHAKE_PROTOCOL = "1.1";
/** A payload larger than this (bytes of its UTF-8 JSON) is refused with `PAYLOAD_TOO_LARGE`. */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;
/** The Socket.IO `maxHttpBufferSize` the gateway uses at the least. */
export const MIN_HTTP_BUFFER_BYTES = 2 * 1024 * 1024;
/** Default wait of a request without `timeoutMs`: 10 minutes. */
export const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;
/** The longest wait a gateway grants by default: 24 hours. */
export const MAX_TIMEOUT_MS = 24 * 60 * 60 * 1000;
/** How long a finished request's frames stay held for `resume`. */
export const FINISHED_RETENTION_MS = 60 * 1000;
/** How many of a request's latest frames a gateway holds for `resume`, by default. */
export const DEFAULT_REPLAY_FRAMES = 1000;

/**
 * Bytes of `text` in UTF-8 (a lone surrogate counts as U+FFFD, as TextEncoder writes it), counted
 * without encoding it: the gateway sizes every payload, and most are ASCII.
 */
export const utf8ByteLength = (text: string): number => {
  let bytes = text.length;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) {
      bytes += 1;
      continue;
    }
    // 3 bytes for one code unit; a surrogate pair is 2 code units and 4 bytes.
    bytes += 2;
    const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
    if (code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) i += 1;
  }
  return bytes;
};

/** Bytes of the UTF-8 JSON of `value` (`undefined` counts as `null`). */
export const jsonByteLength = (value: unknown): number =>
  utf8ByteLength(JSON.stringify(value ?? null) ?? "");
