// Run with `node_modules/.bin/bun examples/worker/main.ts` (or `node --import tsx …`) while
// RabbitMQ listens on AMQP_URL; stop it with Ctrl-C.
import { closeOnSignals, serveReports } from "./serveReports.js";

const worker = await serveReports({
  url: process.env.AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672",
});
closeOnSignals(worker);
console.info(`worker ready: ${Object.keys(worker.queues).join(", ")}`);
