import { EVENTS, forEachReplyFrame, type WireReplyFrame } from "@taskbridge/core/protocol";
import type { FrameSocket } from "./reduceRequestRecord.js";
import { speaksV11 } from "./socketProtocol.js";

/**
 * Sends one of a request's frames to `socket` as `reply` events: a `chunks` batch as one event to
 * a 1.1 socket and as its `chunk` frames, one event each, to a version 1 socket
 * (docs/protocol.md §14.2); any other frame as itself.
 *
 * @example
 * emitReply(owner, { id: "r1", seq: 5, kind: "chunks", data: [{ i: 4 }, { i: 5 }] });
 */
export const emitReply = (socket: FrameSocket, frame: WireReplyFrame): void => {
  if (frame.kind !== "chunks" || speaksV11(socket)) {
    socket.emit(EVENTS.reply, frame);
    return;
  }
  forEachReplyFrame(frame, (chunk) => socket.emit(EVENTS.reply, chunk));
};
