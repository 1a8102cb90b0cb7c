#!/usr/bin/env node
// `npm run gateway`: the taskbridge gateway on RabbitMQ, configured from the environment (see
// readGatewayEnv.ts and docs/gateway.md). Prints one ready line; on SIGTERM or SIGINT it drains
// (docs/protocol.md §2 "Gateway restarts") and exits 0 — also while still waiting for RabbitMQ at
// start. Runs under Bun and under Node (`node --import tsx packages/gateway/src/main.ts`).
import { createRabbitBroker, redactAmqpUrl } from "@taskbridge/broker";
import { createGateway, type Gateway } from "./createGateway.js";
import { createLogger } from "./createLogger.js";
import { listeningLine } from "./listeningLine.js";
import { readGatewayEnv } from "./readGatewayEnv.js";

// Set once a signal arrived: a start-up failure caused by the shutdown itself is not an error.
let stopping = false;

const main = async (): Promise<void> => {
  const env = readGatewayEnv(process.env);
  const logger = createLogger(env.logLevel);
  const broker = createRabbitBroker({ urls: env.amqpUrls, logger });
  let gateway: Gateway | undefined;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info(`gateway ${env.gatewayId}: ${signal}, draining`);
    (async () => {
      if (gateway !== undefined) {
        await gateway.drain();
        await gateway.close();
      }
      await broker.close();
    })().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("gateway: shutdown failed", error);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  gateway = await createGateway({
    broker,
    port: env.port,
    host: env.host,
    gatewayId: env.gatewayId,
    allowedOrigins: env.allowedOrigins,
    knownTypesOnly: env.knownTypesOnly,
    replyQueueType: env.replyQueueType,
    replyRetention: env.replyRetention,
    limits: env.limits,
    logger,
  });
  if (stopping) return;
  logger.info(
    `gateway id ${gateway.gatewayId}, broker ${env.amqpUrls.map(redactAmqpUrl).join(", ")}`,
  );
  console.log(listeningLine(env.host, gateway.port));
};

main().catch((error: unknown) => {
  if (stopping) return;
  console.error(`gateway: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
