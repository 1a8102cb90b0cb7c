// What one finished request costs the gateway while it is retained (docs/protocol.md §2.7):
// a gateway on the memory broker with a TypeScript worker in the same process, 100-byte
// `demo.echo` requests from socket.io-client sockets, the heap after a forced GC while the
// gateway holds them and again once its (manual) clock has moved past the retention.
// Run: `bun bench/measureRetainedRequests.ts` (the gateway's runtime). Under Node, tsx's
// keepNames gives every closure a `name` property store (~250 bytes each; two to three times
// the real figure): bundle first (`bun build --target=node --packages=external …
// --outfile bench/x.mjs`), then `node --expose-gc bench/x.mjs`.
// Env: COUNT (finished requests, default 50000), SOCKETS (8), MAX_RETAINED (the gateway's bound,
// default 100000: with a larger COUNT only that many are held). Not part of `npm run bench`.
import { createMemoryBroker, createMemoryServer } from "@taskbridge/broker";
import { FINISHED_RETENTION_MS } from "@taskbridge/core/protocol";
import { createManualTimers } from "@taskbridge/core/testing";
import { createGateway, silentLogger } from "@taskbridge/gateway";
import { referenceHandlers, registerHandlers } from "@taskbridge/worker";
import { connectMany, type LoadSocket } from "./loadClient.js";
import { echoPayload } from "./scenarios.js";

const count = Number(process.env.COUNT ?? 50_000);
const socketCount = Number(process.env.SOCKETS ?? 8);
const maxRetained = process.env.MAX_RETAINED ? Number(process.env.MAX_RETAINED) : undefined;
const concurrency = 64; // per socket, under the gateway's 100 in flight per session

const collect = async (): Promise<void> => {
  const bun = (globalThis as { Bun?: { gc: (force: boolean) => void } }).Bun;
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let round = 0; round < 3; round += 1) {
    if (bun !== undefined) bun.gc(true);
    else if (gc !== undefined) gc();
    else throw new Error("run under Bun, or Node with --expose-gc");
    await new Promise((resolve) => setImmediate(resolve));
  }
};

const memory = async (): Promise<{ heap: number; rss: number }> => {
  await collect();
  const { heapUsed, rss } = process.memoryUsage();
  return { heap: heapUsed, rss };
};

const run = async (sockets: readonly LoadSocket[], total: number, from: number): Promise<void> => {
  let next = 0;
  const lane = async (socket: LoadSocket): Promise<void> => {
    while (next < total) {
      next += 1;
      const frame = await socket.call("demo.echo", echoPayload(from + next));
      if (frame.kind !== "result") throw new Error(`demo.echo ended with ${frame.kind}`);
    }
  };
  await Promise.all(
    sockets.flatMap((socket) => Array.from({ length: concurrency }, () => lane(socket))),
  );
};

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

const main = async (): Promise<void> => {
  const timers = createManualTimers(Date.now());
  const server = createMemoryServer();
  const gatewayBroker = createMemoryBroker({ server });
  const workerBroker = createMemoryBroker({ server });
  const worker = await registerHandlers({
    broker: workerBroker,
    handlers: referenceHandlers,
    logger: silentLogger,
  });
  const gateway = await createGateway({
    broker: gatewayBroker,
    port: 0,
    host: "127.0.0.1",
    logger: silentLogger,
    timers,
    limits: {
      rateLimit: { tokens: 1_000_000_000, perMs: 1 },
      ...(maxRetained === undefined ? {} : { maxRetainedRequests: maxRetained }),
    },
  });
  const sockets = await connectMany(`http://127.0.0.1:${gateway.port}`, socketCount);
  const forgetAll = () => timers.advance(FINISHED_RETENTION_MS + 1000);

  await run(sockets, 5000, 0); // warm-up: code paths compiled, pools grown
  forgetAll();
  const before = await memory();
  await run(sockets, count, 1_000_000);
  const held = gateway.stats().requests;
  const during = await memory();
  forgetAll();
  const forgotten = gateway.stats().requests;
  const after = await memory();

  const bun = (globalThis as { Bun?: { version: string } }).Bun;
  const runtime = bun === undefined ? `Node ${process.version}` : `Bun ${bun.version}`;
  console.log(`${runtime}: ${count} finished demo.echo requests on ${socketCount} sockets`);
  console.log(`held ${held} (after retention: ${forgotten})`);
  console.log(
    `heap: before ${mib(before.heap)}, held ${mib(during.heap)}, forgotten ${mib(after.heap)}`,
  );
  console.log(
    `rss:  before ${mib(before.rss)}, held ${mib(during.rss)}, forgotten ${mib(after.rss)}`,
  );
  if (held > 0) {
    console.log(`heap per held request: ${Math.round((during.heap - after.heap) / held)} bytes`);
  }

  for (const socket of sockets) socket.close();
  await gateway.close();
  await worker.close();
  await gatewayBroker.close();
  await workerBroker.close();
};

await main();
