import type { Logger } from "@taskbridge/core/protocol";
import { auditReplyStream, describeHeld } from "./auditReplyStream.js";
import { describeClient, isClean } from "./describeClient.js";
import { formatCountsTable } from "./formatCountsTable.js";
import { openStreamingClients, type StreamingClient } from "./openStreamingClients.js";
import type { ScaleOutPhase } from "./scaleOutPhases.js";
import type { ScaleOutStack } from "./startScaleOutStack.js";
import { type PhaseCounts, tallyPhase } from "./tallyPhase.js";

export type ScaleOutPhaseOptions = {
  readonly stack: ScaleOutStack;
  readonly phase: ScaleOutPhase;
  readonly clients: number;
  /** `demo.count`'s `n` and `delayMs`. */
  readonly n: number;
  readonly delayMs: number;
  /** Chunks every client must have before the fault. */
  readonly midstream: number;
  /** The requests' `timeoutMs`: a request RabbitMQ lost the replies of ends with `TIMEOUT`. */
  readonly requestTimeoutMs: number;
  /** Hang guards: how long to wait for everybody mid-stream, then for every terminal frame. */
  readonly midstreamGuardMs: number;
  readonly settleGuardMs: number;
  /** The transports' logger. */
  readonly logger: Logger;
  readonly log: (line: string) => void;
  /** Also print the wire of the first odd clients. */
  readonly debug?: boolean;
};

/** For a few clients that missed something: what their owner's reply stream holds (worker or gateway?). */
const explain = async (
  stack: ScaleOutStack,
  odd: readonly StreamingClient[],
  log: (line: string) => void,
): Promise<void> => {
  const url = stack.cluster.urls[1] as string;
  for (const client of odd) {
    const owner = client.owner();
    if (owner === undefined) continue;
    const held = await auditReplyStream(url, owner, [client.requestId]).catch(
      (error: unknown) => new Map([[client.requestId, String(error)]]),
    );
    const replies = held.get(client.requestId);
    const text = typeof replies === "string" ? replies : describeHeld(replies ?? []);
    log(`#${client.index} in ${owner}'s stream: ${text}`);
  }
};

const wireText = (client: StreamingClient): string =>
  client.wire
    .map((w) => `${w.seq}:${w.kind}${w.kind.startsWith("chunk") ? JSON.stringify(w.data) : ""}`)
    .join(" ");

/**
 * Runs one phase: opens the clients through HAProxy (each sends its `demo.count` at once), waits
 * until every one has `midstream` chunks, injects the fault, waits until every request ended
 * (or the guard passed: the rest are hung), counts (`tallyPhase`) and prints the phase's table;
 * when the phase failed, also the first odd clients and what their reply streams hold. Closes
 * the clients.
 *
 * @example
 * const counts = await runScaleOutPhase({ stack, phase, clients: 200, n: 30, delayMs: 200, … });
 */
export const runScaleOutPhase = async (options: ScaleOutPhaseOptions): Promise<PhaseCounts> => {
  const { stack, phase, log } = options;
  const set = openStreamingClients({
    url: stack.proxy.url,
    count: options.clients,
    n: options.n,
    delayMs: options.delayMs,
    timeoutMs: options.requestTimeoutMs,
    logger: options.logger,
  });
  try {
    // A client that never gets going is counted (hung) with the rest: the fault goes ahead.
    await set
      .untilEvery(
        (c) => c.chunks() >= options.midstream,
        `${options.midstream} chunks`,
        options.midstreamGuardMs,
      )
      .then(
        () => log(`${phase.title}: all ${options.clients} clients mid-stream`),
        (error: unknown) => log(`${phase.title}: ${String(error)}; faulting anyway`),
      );
    const faultAt = Date.now();
    const hit = await phase.fault(stack, set.clients);
    await set.settle(options.settleGuardMs);
    const doneAt = Date.now();
    log(`${phase.title}: settled ${((doneAt - faultAt) / 1000).toFixed(1)} s after the fault`);
    const counts = tallyPhase({
      title: phase.title,
      clients: set.clients,
      affected: hit.affected,
      leftGateway: hit.leftGateway,
      n: options.n,
      faultAt,
      doneAt,
    });
    process.stdout.write(`\n${formatCountsTable([counts])}\n\n`);
    if (counts.failures.length > 0) {
      const odd = set.clients.filter((c) => !isClean(c, options.n));
      const first = odd.slice(0, 8).map(describeClient).join("\n  ");
      log(`${odd.length} clients not clean; the first ones:\n  ${first}`);
      await explain(stack, odd.slice(0, 4), log);
      if (options.debug === true) {
        for (const c of odd.slice(0, 2)) log(`#${c.index} wire: ${wireText(c)}`);
      }
    }
    return counts;
  } finally {
    await set.close();
  }
};
