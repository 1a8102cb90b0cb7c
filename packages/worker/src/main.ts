#!/usr/bin/env node
import { referenceHandlers } from "@taskbridge/core/reference";
import { referenceContract } from "@taskbridge/core/reference-contract";
// `npm run worker`: serves the reference services (docs/protocol.md §8) from RabbitMQ until SIGTERM or
// SIGINT, then shuts down gracefully (docs/protocol.md §3) and exits 0. Runs under Bun and under
// Node (`node --import tsx packages/worker/src/main.ts`). Settings: see readWorkerEnv.ts and docs/workers.md;
// with TASKBRIDGE_EXIT_WITH_PARENT=1 it also shuts down when its stdin closes (its supervisor died).
import { readWorkerEnv } from "./readWorkerEnv.js";
import { registerHandlers } from "./registerHandlers.js";
import { watchParentExit } from "./watchParentExit.js";

const main = async () => {
  const env = readWorkerEnv(process.env);
  // Until it serves, a parent that died just means: do not start.
  let onParentGone: () => void = () => {
    console.info("worker: stdin closed (the parent is gone), not starting");
    process.exit(0);
  };
  watchParentExit(() => onParentGone());
  const worker = await registerHandlers({
    url: env.urls,
    handlers: referenceHandlers,
    // Announced as JSON Schema: the gateway validates payloads, `taskbridge types` reads them.
    contract: referenceContract,
    queueType: env.queueType,
    queuePrefix: env.queuePrefix,
    prefetch: env.prefetch,
    workerId: env.workerId,
    graceMs: env.graceMs,
  });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.info(`worker ${worker.workerId}: ${signal}, shutting down`);
    worker.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("worker: shutdown failed", error);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  onParentGone = () => shutdown("stdin closed (the parent is gone)");
  // The queues it consumes, prefix included: what it really serves.
  console.info(`worker ready: ${Object.values(worker.queues).join(", ")} (${worker.workerId})`);
};

main().catch((error: unknown) => {
  console.error(`worker: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
