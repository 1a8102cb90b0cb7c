/** A `reply` event as it came off the socket: a frame, or (protocol 1.1) a `chunks` batch. */
export type WireReply = { readonly seq: number; readonly kind: string; readonly data?: unknown };

/** What `judgeWireSeqs` found in one request's `reply` events. */
export type WireSeqs = {
  /** Seqs the gateway sent a second time (the client's transport drops them; still a repeat). */
  readonly repeats: number;
  /** Seqs skipped: a later seq came while an earlier one never did. */
  readonly gaps: number;
};

/** The seqs one event occupies: a `chunks` batch of n items takes seq … seq + n − 1. */
const width = (event: WireReply): number =>
  event.kind === "chunks" && Array.isArray(event.data) ? event.data.length : 1;

/**
 * Checks the seqs of one request's `reply` events across every connection of its client, in
 * arrival order (docs/protocol.md §2.4, §14.2): each seq 0, 1, 2 … exactly once. The frames a
 * client's transport hands to its listener are already filtered by `placeFrame`, which drops
 * repeats; this looks beneath it, at what the gateways sent.
 *
 * @example
 * judgeWireSeqs([{ seq: 0, kind: "accepted" }, { seq: 1, kind: "chunks", data: [1, 2] }, { seq: 3, kind: "result" }])
 * // { repeats: 0, gaps: 0 }
 */
export const judgeWireSeqs = (events: readonly WireReply[]): WireSeqs => {
  const seen = new Set<number>();
  let repeats = 0;
  for (const event of events) {
    for (let seq = event.seq; seq < event.seq + width(event); seq++) {
      if (seen.has(seq)) repeats++;
      seen.add(seq);
    }
  }
  const highest = seen.size === 0 ? -1 : Math.max(...seen);
  return { repeats, gaps: highest + 1 - seen.size };
};
