import type { ReplyFrame } from "@taskbridge/core/protocol";

/**
 * Frames in short, for comparing sequences: `seq:kind`, and `seq:error:CODE` for errors.
 *
 * @example
 * brief(client.framesOf("r1")); // ["0:accepted", "1:chunk", "2:error:CANCELLED"]
 */
export const brief = (frames: readonly ReplyFrame[]): string[] =>
  frames.map((f) => (f.kind === "error" ? `${f.seq}:error:${f.error.code}` : `${f.seq}:${f.kind}`));
