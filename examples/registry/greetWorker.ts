// Step 2 (TypeScript): serve it. `contract` makes the worker announce the zod schemas as
// JSON Schema 2020-12 on `taskbridge.registry`, at start and every 10 s.
//   node --import tsx examples/registry/greetWorker.ts
import { readWorkerEnv, registerHandlers } from "@taskbridge/worker";
import { greetContract, greetHandlers } from "./greetService.js";

const env = readWorkerEnv(process.env);
const worker = await registerHandlers({
  url: env.urls,
  handlers: greetHandlers,
  contract: greetContract,
  queuePrefix: env.queuePrefix,
});
console.log(`greet worker ready (${worker.workerId})`);
const stop = () => void worker.close().then(() => process.exit(0));
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
