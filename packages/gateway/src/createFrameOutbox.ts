import { seqSpan, type WireReplyFrame } from "@taskbridge/core/protocol";
import type { RequestEntry } from "./createRequestTable.js";
import { emitReply } from "./emitReply.js";
import type { FrameSocket } from "./reduceRequestRecord.js";
import { speaksV11 } from "./socketProtocol.js";

export type FrameOutboxOptions = {
  /**
   * This gateway's id when its replies go to a reply stream (docs/protocol.md §14.3): `accepted`
   * frames to 1.1 sockets then say where a request's replies live. Undefined: classic replies.
   */
  readonly streamGatewayId: string | undefined;
};

/** What `createFrameOutbox` returns. */
export type FrameOutbox = {
  /**
   * What of a frame `entry` just numbered goes out, as `hide` wants it (undefined: nothing).
   * Called for every numbered frame, whether or not a socket owns the request now.
   */
  readonly pass: (entry: RequestEntry, frame: WireReplyFrame) => WireReplyFrame | undefined;
  /** Sends one of `entry`'s frames to `socket` as the socket's protocol wants it. */
  readonly deliver: (entry: RequestEntry, socket: FrameSocket, frame: WireReplyFrame) => void;
  /**
   * `entry` was adopted by a `resume` after `after`: its frames up to `after` are numbered (and
   * held) but not sent, since the client has them; a batch that `after` falls inside is sent as
   * its rest, and a terminal frame is never withheld (numbered `after + 1` if it would be).
   */
  readonly hide: (entry: RequestEntry, after: number) => void;
  /** From now on `entry`'s frames all go out (a `resume` replays from its own `after`). */
  readonly reveal: (entry: RequestEntry) => void;
  /**
   * The seq a gateway-made terminal frame of `entry` must carry so the client takes it (`after +
   * 1` while everything numbered so far is hidden), or undefined when its own numbering will do.
   */
  readonly endSeq: (entry: RequestEntry) => number | undefined;
};

/**
 * The last step of a request's frames on their way to a socket: `emitReply` (a `chunks` batch
 * whole to a 1.1 socket, chunk by chunk to a version 1 one), the `gateway` and `at` of an
 * `accepted` frame for a 1.1 socket of a gateway with a reply stream (the owner's, for a request
 * it adopted; never for built-ins, which nobody can adopt), and the frames an adopting gateway
 * numbers again from 0 but must not send twice (docs/protocol.md §14.3).
 *
 * @example
 * const outbox = createFrameOutbox({ streamGatewayId: "gw-1" });
 * outbox.deliver(entry, socket, { id: "r1", seq: 0, kind: "accepted" }); // + gateway: "gw-1", at
 */
export const createFrameOutbox = (options: FrameOutboxOptions): FrameOutbox => {
  /** What each adopted request's client has already seen (its `resume`'s `after`), by key. */
  const hidden = new Map<string, number>();

  const decorate = (
    entry: RequestEntry,
    frame: Extract<WireReplyFrame, { readonly kind: "accepted" }>,
  ): WireReplyFrame => {
    if (options.streamGatewayId === undefined) return frame;
    if (entry.origin !== undefined) return { ...frame, ...entry.origin };
    // Only requests this gateway published have replies in its stream.
    return entry.record.deadline === undefined
      ? frame
      : { ...frame, gateway: options.streamGatewayId, at: entry.startedAt };
  };

  const pass = (entry: RequestEntry, frame: WireReplyFrame): WireReplyFrame | undefined => {
    const after = hidden.get(entry.key);
    if (after === undefined) return frame;
    const last = frame.seq + seqSpan(frame) - 1;
    const terminal = frame.kind === "result" || frame.kind === "error";
    if (last <= after && !terminal) return undefined;
    hidden.delete(entry.key);
    if (frame.seq > after) return frame;
    return frame.kind === "chunks"
      ? { ...frame, seq: after + 1, data: frame.data.slice(after + 1 - frame.seq) }
      : { ...frame, seq: after + 1 };
  };

  return {
    pass,
    deliver: (entry, socket, frame) =>
      emitReply(
        socket,
        frame.kind === "accepted" && speaksV11(socket) ? decorate(entry, frame) : frame,
      ),
    hide: (entry, after) => {
      if (after >= 0) hidden.set(entry.key, after);
    },
    reveal: (entry) => {
      hidden.delete(entry.key);
    },
    endSeq: (entry) => {
      const after = hidden.get(entry.key);
      if (after === undefined) return undefined;
      hidden.delete(entry.key);
      return after + 1;
    },
  };
};
