import { judgeStream, type StreamOutcome } from "./judgeStream.js";
import { judgeWireSeqs } from "./judgeWireSeqs.js";
import type { StreamingClient } from "./openStreamingClients.js";

/** One phase of the scale-out scenario, counted; see `tallyPhase`. */
export type PhaseCounts = {
  readonly title: string;
  readonly clients: number;
  /** Clients whose request the fault hit (its gateway's; every client for a broker node). */
  readonly affected: number;
  /** Affected clients that reconnected (a second Socket.IO connection or more). */
  readonly reconnected: number;
  /** Affected clients whose cookie names another gateway than `leftGateway` at the end. */
  readonly movedOn: number;
  readonly outcomes: Readonly<Record<StreamOutcome, number>>;
  readonly duplicated: number;
  readonly outOfOrder: number;
  /** Requests with a repeated or skipped chunk in an attempt a `restart` then replaced. */
  readonly oddBeforeRestart: number;
  /** Terminal frames beyond the first, over all clients. */
  readonly extraTerminals: number;
  readonly wireRepeats: number;
  readonly wireGaps: number;
  /** Error codes of requests that ended with an error, with their counts. */
  readonly errorCodes: Readonly<Record<string, number>>;
  /** The affected clients' longest silence across the fault (ms): median and max. */
  readonly stallMedianMs: number | undefined;
  readonly stallMaxMs: number | undefined;
  /** From the fault to the last terminal frame (ms). */
  readonly settleMs: number;
  /** The gateway the fault took away, if any. */
  readonly leftGateway?: string;
  /** What this phase got wrong; empty when it passed. */
  readonly failures: readonly string[];
};

export type TallyPhaseOptions = {
  readonly title: string;
  readonly clients: readonly StreamingClient[];
  readonly affected: readonly StreamingClient[];
  /** Set when the fault took a gateway away: its clients must finish on another. */
  readonly leftGateway?: string;
  readonly n: number;
  readonly faultAt: number;
  readonly doneAt: number;
};

/** The gap between the last frame before `at` and the first one after it. */
const stallAcross = (client: StreamingClient, at: number): number | undefined => {
  const after = client.times.findIndex((t) => t >= at);
  if (after <= 0) return undefined;
  return (client.times[after] as number) - (client.times[after - 1] as number);
};

const median = (values: readonly number[]): number | undefined => {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

/**
 * Counts one phase: every client's verdict (`judgeStream`, `judgeWireSeqs`), how the clients the
 * fault hit fared (reconnected, moved to another gateway, how long they heard nothing), and
 * what the phase got wrong: any lost, hung, duplicated or out-of-order stream, any second
 * terminal frame or repeated/skipped seq on the wire, and, when a gateway went away, any of its
 * clients that did not reconnect, did not move on or did not complete.
 *
 * @example
 * const counts = tallyPhase({ title: "(a)", clients, affected, leftGateway: "gw-1", n: 30, faultAt, doneAt });
 * counts.failures // []
 */
export const tallyPhase = (options: TallyPhaseOptions): PhaseCounts => {
  const { clients, affected, leftGateway, n } = options;
  const outcomes: Record<StreamOutcome, number> = {
    completed: 0,
    restarted: 0,
    "retryable-error": 0,
    lost: 0,
    hung: 0,
  };
  const errorCodes: Record<string, number> = {};
  let duplicated = 0;
  let outOfOrder = 0;
  let oddBeforeRestart = 0;
  let extraTerminals = 0;
  let wireRepeats = 0;
  let wireGaps = 0;
  const verdicts = new Map(clients.map((c) => [c, judgeStream(c.frames, n)]));
  for (const client of clients) {
    const verdict = verdicts.get(client)!;
    outcomes[verdict.outcome]++;
    if (verdict.errorCode !== undefined) {
      errorCodes[verdict.errorCode] = (errorCodes[verdict.errorCode] ?? 0) + 1;
    }
    if (verdict.duplicated) duplicated++;
    if (verdict.outOfOrder) outOfOrder++;
    if (verdict.oddBeforeRestart) oddBeforeRestart++;
    extraTerminals += Math.max(0, verdict.terminals - 1);
    const wire = judgeWireSeqs(client.wire);
    wireRepeats += wire.repeats;
    wireGaps += wire.gaps;
  }
  const reconnected = affected.filter((c) => c.connects() >= 2).length;
  const movedOn = affected.filter(
    (c) => c.server() !== undefined && c.server() !== leftGateway,
  ).length;
  const stalls = affected
    .map((c) => stallAcross(c, options.faultAt))
    .filter((s): s is number => s !== undefined);

  const failures: string[] = [];
  const must = (count: number, what: string): void => {
    if (count > 0) failures.push(`${count} ${what}`);
  };
  must(outcomes.lost, "lost");
  must(outcomes.hung, "hung");
  must(duplicated, "with a duplicated chunk");
  must(outOfOrder, "with chunks out of order");
  must(oddBeforeRestart, "with chunks skipped or repeated before a restart");
  must(extraTerminals, "extra terminal frames");
  must(wireRepeats, "seqs sent twice");
  must(wireGaps, "seqs never sent");
  if (leftGateway !== undefined) {
    must(affected.length - reconnected, `clients of ${leftGateway} that never reconnected`);
    must(affected.length - movedOn, `clients of ${leftGateway} not moved to another gateway`);
    const unfinished = affected.filter((c) => {
      const outcome = verdicts.get(c)?.outcome;
      return outcome !== "completed" && outcome !== "restarted";
    }).length;
    must(unfinished, `clients of ${leftGateway} that did not complete`);
    if (affected.length === 0) failures.push(`${leftGateway} had no clients`);
  }
  return {
    title: options.title,
    clients: clients.length,
    affected: affected.length,
    reconnected,
    movedOn,
    outcomes,
    duplicated,
    outOfOrder,
    oddBeforeRestart,
    extraTerminals,
    wireRepeats,
    wireGaps,
    errorCodes,
    stallMedianMs: median(stalls),
    stallMaxMs: stalls.length === 0 ? undefined : Math.max(...stalls),
    settleMs: options.doneAt - options.faultAt,
    leftGateway,
    failures,
  };
};
