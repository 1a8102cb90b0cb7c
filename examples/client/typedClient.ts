import {
  createClient,
  createMemoryTransport,
  defineContract,
  type Handlers,
} from "@taskbridge/core";
import { z } from "zod";

// One contract for both sides: zod schemas per request type.
const contract = defineContract({
  "invoice.total": {
    description: "Adds up the lines of an invoice, streaming a running total.",
    payload: z.object({ lines: z.array(z.object({ amount: z.number() })).min(1) }),
    chunk: z.object({ runningTotal: z.number() }),
    result: z.object({ total: z.number() }),
  },
});

// The handler a worker serves (here it runs in-process).
const handlers: Handlers = {
  "invoice.total": (payload: { lines: { amount: number }[] }, ctx) => {
    let total = 0;
    for (const line of payload.lines) {
      total += line.amount;
      ctx.emit({ runningTotal: total });
    }
    return { total };
  },
};

export async function typedClientExample() {
  const transport = createMemoryTransport({ handlers });
  const client = createClient(transport, contract);

  // Payload, chunk and result types come from the contract:
  // client.request("invoice.totl", …) or { lines: "x" } would not compile.
  const running: number[] = [];
  const { total } = await client.request(
    "invoice.total",
    { lines: [{ amount: 5 }, { amount: 7 }] },
    { onChunk: (chunk) => running.push(chunk.runningTotal) },
  );

  // Payloads are checked before they leave: BAD_REQUEST names the failing field.
  const refused = await client
    .request("invoice.total", { lines: [] })
    .catch((error) => error.details.issues[0].path);

  // The registry can announce the same schemas as JSON Schema.
  const schema = z.toJSONSchema(contract["invoice.total"].payload);

  await transport.close();
  return { total, running, refused, schemaType: schema.type };
  // → { total: 12, running: [5, 12], refused: "lines", schemaType: "object" }
}
