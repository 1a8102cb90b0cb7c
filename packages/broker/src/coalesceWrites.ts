import type { ChannelModel } from "amqplib";

// The slice of amqplib 2.3's private connection internals this relies on. Anything missing (a
// future amqplib) makes `coalesceWrites` a no-op, never an error.
type MuxLike = {
  _readIncoming?: () => void;
  out?: { cork?: () => void; uncork?: () => void };
};

/**
 * Makes amqplib hand the socket everything its channels queued in one pass of its multiplexer as
 * one write (the socket is corked during the pass, so Node sends the frames with one `writev`),
 * instead of one system call per frame. amqplib already defers that pass to `setImmediate`; under
 * load or in a stream it carries dozens of publishes and acks, and the per-frame writes were the
 * largest single CPU cost of a worker streaming chunks. Order and back-pressure are unchanged:
 * the frames are written in the same order, and a full socket still stops the pass. Returns false
 * (and changes nothing) when the internals it needs are not there.
 *
 * @example
 * const model = await amqp.connect(url, { noDelay: true });
 * coalesceWrites(model);
 */
export const coalesceWrites = (model: ChannelModel): boolean => {
  const mux = (model as unknown as { connection?: { muxer?: MuxLike } }).connection?.muxer;
  const read = mux?._readIncoming;
  const out = mux?.out;
  if (mux === undefined || typeof read !== "function") return false;
  if (typeof out?.cork !== "function" || typeof out.uncork !== "function") return false;
  const cork = out.cork.bind(out);
  const uncork = out.uncork.bind(out);
  mux._readIncoming = () => {
    cork();
    try {
      read.call(mux);
    } finally {
      uncork();
    }
  };
  return true;
};
