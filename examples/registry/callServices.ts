// Step 4: call with types, whatever language serves each type. `services` comes from
// `npx taskbridge types --gateway http://localhost:8080 --out examples/registry/services.generated.ts`.
//   node --import tsx examples/registry/callServices.ts [gateway URL]
import { createClient, type ErrorBody } from "@taskbridge/core";
import { createSocketIoTransport } from "@taskbridge/core/socket-io";
import { services } from "./services.generated.js";

const transport = createSocketIoTransport({ url: process.argv[2] ?? "http://localhost:8080" });
const client = createClient(transport, services);

// example.report is served by Python: payload, chunk and result types come from its hints.
const report = await client.request(
  "example.report",
  { month: "2026-05", format: "pdf", pages: 2 },
  { onChunk: (line) => console.log(`chunk: page ${line.page}: ${line.text}`) },
);
console.log(`report: ${report.url} (${report.pages} pages)`);

// example.greet is served by TypeScript: its types come from its zod contract.
const { greeting } = await client.request("example.greet", { name: "Ada", excited: true });
console.log(`greeting: ${greeting}`);

// { month: 5 } would not compile. "May" compiles (a string) but breaks the announced pattern:
// the gateway refuses it with BAD_REQUEST, naming the field, before it reaches RabbitMQ.
const refused = await client
  .request("example.report", { month: "May", format: "pdf" })
  .catch((error: ErrorBody) => error);
console.log("refused:", JSON.stringify(refused));

await transport.close();
