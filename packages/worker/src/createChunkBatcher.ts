import type { Timers } from "@taskbridge/core/protocol";
import type { ReplySender } from "./createReplySender.js";

/** How long a batch may wait for more chunks after its first one, by default and at most (ms). */
export const DEFAULT_CHUNK_WINDOW_MS = 5;
/** The most chunks in one `chunks` reply, by default. */
export const DEFAULT_MAX_CHUNKS_PER_REPLY = 256;
/** A batch is sent before its body would pass this many bytes of UTF-8 JSON (256 KiB). */
export const MAX_CHUNKS_BODY_BYTES = 256 * 1024;

export type ChunkBatcherOptions = {
  /** Where batches, and every other reply, go. */
  readonly replies: ReplySender;
  readonly timers: Pick<Timers, "setTimeout" | "clearTimeout">;
  /** How long a batch waits for more chunks after its first one (0 … 5 ms). */
  readonly windowMs: number;
  /** The most chunks in one batch (≥ 2; 1 means no batching, see `registerHandlers`). */
  readonly maxChunks: number;
  /** A batch goes before its body would pass this many bytes. Default `MAX_CHUNKS_BODY_BYTES`. */
  readonly maxBytes?: number;
};

/**
 * Wraps one attempt's reply sender for a gateway that asked for `chunks` (docs/protocol.md
 * §14.2): consecutive chunks are held and sent as one `chunks` reply (`x-seq` of the first,
 * `x-count`, a JSON array body made from the chunks' JSON as is) when the first of these happens:
 * `windowMs` passed since the batch's first chunk; it holds `maxChunks`; one more chunk would take
 * its body past `maxBytes`; a progress, the terminal reply or `flush()` (the handler stopped)
 * comes, which the batch precedes. A batch of one goes as a plain `chunk`. Everything else passes
 * straight through, so back-pressure (`pending`, `drain`) counts messages, not chunks.
 *
 * @example
 * const replies = createChunkBatcher({ replies: createReplySender(…), timers, windowMs: 5, maxChunks: 256 });
 * replies.send("chunk", '{"i":0}'); replies.send("chunk", '{"i":1}');
 * await replies.finish("result", "null"); // one `chunks` reply [{"i":0},{"i":1}], then the result
 */
export const createChunkBatcher = ({
  replies,
  timers,
  windowMs,
  maxChunks,
  maxBytes = MAX_CHUNKS_BODY_BYTES,
}: ChunkBatcherOptions): ReplySender => {
  let held: string[] = [];
  /** Bytes of the batch's body so far: `[`, the chunks, the commas between them, `]`. */
  let bytes = 2;
  let timer: unknown;
  let waiting = false;
  let finished = false;

  const flush = (): void => {
    if (waiting) {
      waiting = false;
      timers.clearTimeout(timer);
    }
    const count = held.length;
    if (count === 0) return;
    const batch = held;
    held = [];
    bytes = 2;
    if (count === 1) replies.send("chunk", batch[0] as string);
    else replies.sendChunks(`[${batch.join(",")}]`, count);
  };

  const onWindow = (): void => {
    waiting = false;
    flush();
  };

  const hold = (json: string): void => {
    const size = Buffer.byteLength(json, "utf8");
    // The comma before it, when it is not the first.
    if (held.length > 0 && bytes + 1 + size > maxBytes) flush();
    bytes += (held.length > 0 ? 1 : 0) + size;
    held.push(json);
    // Full, or no chunk (a comma and one byte at least) fits any more.
    if (held.length >= maxChunks || bytes + 2 > maxBytes) flush();
    else if (!waiting) {
      waiting = true;
      timer = timers.setTimeout(onWindow, windowMs);
    }
  };

  return {
    send: (kind, json) => {
      if (finished || replies.failed()) return;
      if (kind === "chunk") return hold(json);
      flush();
      replies.send(kind, json);
    },
    sendChunks: (json, count) => {
      flush();
      replies.sendChunks(json, count);
    },
    finish: (kind, json) => {
      flush();
      finished = true;
      return replies.finish(kind, json);
    },
    flush,
    pending: replies.pending,
    drain: replies.drain,
    failed: replies.failed,
  };
};
