// `npm run test:scaleout` (part of `npm test`): issue 16's scale-out scenario, live. A 3-node
// RabbitMQ cluster, 3 gateway processes with reply streams behind HAProxy, 2 TypeScript workers
// and 1 Python worker; in each phase 200 clients (the real 1.1 Socket.IO transport, one session
// each) stream `demo.count`, and once every one of them is mid-stream:
//   (a) one gateway is SIGKILLed: its clients reconnect through HAProxy and another gateway
//       adopts their requests from its reply stream (docs/protocol.md §14.3);
//   (b) the RabbitMQ node every gateway is connected to is stopped: gateways and workers fail
//       over, requests caught mid-flight end with `restart` then their result, or a retryable
//       error;
//   (c) one gateway is SIGTERMed (drain): its clients finish on the others.
// Prints the counts per phase and exits 1 when any phase lost, repeated or hung a request.
// Waits on frames, never on time; the guards only end a hang. Stops every process it started,
// HAProxy and the cluster (streams included), also on Ctrl-C. On a failure the processes' output
// goes to a file in the temp folder. Knobs for working on it: SCALEOUT_PHASES (e.g. `b`),
// SCALEOUT_CLIENTS, SCALEOUT_CHUNKS, SCALEOUT_DELAY_MS, SCALEOUT_DEBUG=1 (wire of odd clients).
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomId } from "@taskbridge/core/protocol";
import { formatCountsTable } from "./formatCountsTable.js";
import { runScaleOutPhase } from "./runScaleOutPhase.js";
import { scaleOutPhases } from "./scaleOutPhases.js";
import { type ScaleOutStack, startScaleOutStack } from "./startScaleOutStack.js";
import type { PhaseCounts } from "./tallyPhase.js";

const CLIENTS = Number(process.env.SCALEOUT_CLIENTS ?? 200);
const N = Number(process.env.SCALEOUT_CHUNKS ?? 30);
const DELAY_MS = Number(process.env.SCALEOUT_DELAY_MS ?? 200);
/** Chunks every client must have before the fault: all 200 are mid-stream. */
const MIDSTREAM = 4;
/** The gateway's deadline: a request whose replies RabbitMQ lost ends with TIMEOUT (hung). */
const REQUEST_TIMEOUT_MS = 60_000;
/** Hang guards: far above what a phase takes on a loaded 2-core machine. */
const MIDSTREAM_GUARD_MS = 120_000;
const SETTLE_GUARD_MS = 120_000;

const began = Date.now();
const log = (line: string): void => {
  process.stdout.write(`[scaleout ${((Date.now() - began) / 1000).toFixed(1)} s] ${line}\n`);
};

/** The transports' own complaints (a dropped frame, a refused handshake): printed when a phase fails. */
const complaints: string[] = [];
const logger = {
  debug: () => {},
  info: () => {},
  warn: (message: string, fields?: unknown) =>
    complaints.push(`${message} ${JSON.stringify(fields)}`),
  error: (message: string, fields?: unknown) =>
    complaints.push(`${message} ${JSON.stringify(fields)}`),
};

/** `SCALEOUT_PHASES=b` (or `ac` …) runs only those phases: for working on one of them. */
const phases = scaleOutPhases(log).filter((phase) =>
  (process.env.SCALEOUT_PHASES ?? "abc").includes(phase.title.charAt(1)),
);

const main = async (): Promise<number> => {
  log(
    `${CLIENTS} clients per phase, demo.count n=${N} delayMs=${DELAY_MS} (a stream of ~${((N * DELAY_MS) / 1000).toFixed(0)} s)`,
  );
  const runId = `so-${randomId(6)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "x")}`;
  let stack: ScaleOutStack | undefined;
  const cleanUp = async (): Promise<void> => {
    const running = stack;
    stack = undefined;
    await running?.stop();
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      log(`${signal}: cleaning up`);
      void cleanUp().finally(() => process.exit(130));
    });
  }
  const results: PhaseCounts[] = [];
  try {
    // Each worker may run every request at once: 200 streams in flight whatever the spread.
    stack = await startScaleOutStack({ prefetch: CLIENTS, log, runId });
    for (const phase of phases) {
      results.push(
        await runScaleOutPhase({
          stack,
          phase,
          clients: CLIENTS,
          n: N,
          delayMs: DELAY_MS,
          midstream: MIDSTREAM,
          requestTimeoutMs: REQUEST_TIMEOUT_MS,
          midstreamGuardMs: MIDSTREAM_GUARD_MS,
          settleGuardMs: SETTLE_GUARD_MS,
          logger,
          log,
          debug: process.env.SCALEOUT_DEBUG === "1",
        }),
      );
      if (phase.title.startsWith("(a)")) {
        // The SIGKILLed gateway comes back with its id and port, as `restart: unless-stopped` does.
        const name = results.at(-1)?.leftGateway ?? "gw-1";
        await stack.restartGateway(name);
        log(`${name} restarted and back in HAProxy`);
      }
    }
  } catch (error) {
    log(`failed: ${error instanceof Error ? error.stack : String(error)}`);
    if (stack !== undefined) keepOutput(stack, runId);
    await cleanUp();
    return 1;
  }
  const failed = results.flatMap((r) => r.failures.map((f) => `${r.title}: ${f}`));
  if (failed.length > 0 && stack !== undefined) keepOutput(stack, runId);
  await cleanUp();
  process.stdout.write(`\n${formatCountsTable(results)}\n\n`);
  if (complaints.length > 0) {
    process.stdout.write(
      `transport warnings (${complaints.length}), first: ${complaints.slice(0, 5).join("\n  ")}\n`,
    );
  }
  if (failed.length > 0) {
    process.stdout.write(`FAILED:\n  ${failed.join("\n  ")}\n`);
    return 1;
  }
  log(`passed in ${((Date.now() - began) / 1000).toFixed(0)} s`);
  return 0;
};

/** Every process's output, into a file: what a failure needs and a terminal cannot hold. */
const keepOutput = (stack: ScaleOutStack, runId: string): void => {
  const path = join(tmpdir(), `taskbridge-scaleout-${runId}.log`);
  writeFileSync(path, stack.output());
  log(`the processes' output: ${path}`);
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
