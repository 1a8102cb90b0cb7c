// The demo server `npm start` runs (demo/start.ts spawns it): the taskbridge gateway and the
// built demo on one port. Live mode: on RabbitMQ, beside separate worker processes. Embedded
// mode: an in-memory broker with the TypeScript worker in this same process. Runs under Bun
// (`bun demo/server/main.ts`) and Node (`node --import tsx demo/server/main.ts`). Settings: see
// readDemoEnv.ts. Prints `demo ready: <url>` once it serves; SIGTERM/SIGINT → drain, close, exit 0;
// so does its stdin closing when the launcher sets TASKBRIDGE_EXIT_WITH_PARENT=1 (the launcher died).
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Broker } from "@taskbridge/broker";
import { createMemoryBroker, createMemoryServer } from "@taskbridge/broker";
import { referenceHandlers } from "@taskbridge/core/reference";
import { createGateway } from "@taskbridge/gateway";
import { registerHandlers, watchParentExit } from "@taskbridge/worker";
import { createDemoRouting } from "./createDemoRouting.js";
import { createStaticHandler } from "./createStaticHandler.js";
import { readDemoEnv } from "./readDemoEnv.js";

const here = dirname(fileURLToPath(import.meta.url));

const connectLive = async (url: string): Promise<Broker> => {
  const { createRabbitBroker } = await import("@taskbridge/broker");
  const { waitForConnected } = await import("@taskbridge/broker");
  const broker = createRabbitBroker({ url });
  try {
    await waitForConnected(broker, 30_000);
  } catch (error) {
    await broker.close();
    throw new Error(`cannot reach RabbitMQ at ${url.replace(/\/\/[^@/]*@/, "//")}: ${error}`);
  }
  return broker;
};

const main = async () => {
  const env = readDemoEnv(process.env, join(here, "..", "dist"));
  // Until it serves, a launcher that died just means: do not start.
  let onParentGone: () => void = () => {
    console.info("demo server: stdin closed (the launcher is gone), not starting");
    process.exit(0);
  };
  watchParentExit(() => onParentGone());
  const closers: (() => Promise<void>)[] = [];
  let gatewayBroker: Broker;
  if (env.mode === "embedded") {
    const server = createMemoryServer();
    gatewayBroker = createMemoryBroker({ server });
    const workerBroker = createMemoryBroker({ server });
    const worker = await registerHandlers({
      broker: workerBroker,
      handlers: referenceHandlers,
      queuePrefix: env.queuePrefix,
    });
    console.info(`embedded worker ready: ${Object.values(worker.queues).join(", ")}`);
    closers.push(worker.close, workerBroker.close);
  } else {
    gatewayBroker = await connectLive(env.amqpUrl);
  }
  const httpServer = createServer();
  httpServer.on(
    "request",
    createStaticHandler({
      root: env.distDir,
      config: {
        mode: env.mode,
        python: { available: env.pythonAvailable, note: env.pythonNote },
      },
    }),
  );
  const gateway = await createGateway({
    broker: gatewayBroker,
    httpServer,
    gatewayId: env.gatewayId,
    plugins: [createDemoRouting({ queuePrefix: env.queuePrefix })],
  });
  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(env.port, () => resolve());
  });
  const address = httpServer.address();
  const port = typeof address === "object" && address !== null ? address.port : env.port;

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.info(`demo server: ${signal}, shutting down`);
    try {
      await gateway.drain();
      for (const close of closers) await close();
      await gateway.close();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await gatewayBroker.close();
      process.exit(0);
    } catch (error) {
      console.error("demo server: shutdown failed", error);
      process.exit(1);
    }
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
  onParentGone = () => void shutdown("stdin closed (the launcher is gone)");
  console.info(`demo ready: http://localhost:${port}/ (${env.mode} mode)`);
};

main().catch((error: unknown) => {
  console.error(`demo server: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
