// Compile-time tests of createClient's inference; checked by `tsc --noEmit`, never run.
// Each `@ts-expect-error` asserts that the line below it does not compile.
import { z } from "zod";
import { createClient } from "./createClient.js";
import { type ChunkOf, defineContract, defineTypedContract } from "./defineContract.js";
import type { Transport } from "./transport.js";

type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(): T | undefined => undefined;

declare const transport: Transport;

/** A contract like the reference services' (transport/ may not import workers/). */
const demoContract = defineContract({
  "demo.echo": { payload: z.unknown(), result: z.unknown() },
  "demo.count": {
    payload: z.object({ n: z.number().int().min(0), delayMs: z.number().min(0).optional() }),
    chunk: z.object({ i: z.number().int() }),
    result: z.object({ count: z.number().int() }),
  },
  "demo.progress": {
    payload: z.object({ steps: z.number().int().min(0), delayMs: z.number().min(0) }),
    result: z.object({ done: z.number().int() }),
  },
  "demo.fail": { payload: z.object({ message: z.string() }), result: z.never() },
});

export const typeTests = async (): Promise<void> => {
  const client = createClient(transport, demoContract);

  const counted = await client.request("demo.count", { n: 3 });
  assertType<Equal<typeof counted, { count: number }>>();

  await client.request(
    "demo.count",
    { n: 3, delayMs: 5 },
    {
      onChunk: (chunk) => {
        assertType<Equal<typeof chunk, { i: number }>>();
      },
    },
  );

  const progressed = await client.request("demo.progress", { steps: 2, delayMs: 1 });
  assertType<Equal<typeof progressed, { done: number }>>();

  const echoed = await client.request("demo.echo", { anything: ["goes"] });
  assertType<Equal<typeof echoed, unknown>>();

  // @ts-expect-error a type name the contract does not have
  await client.request("demo.nope", {});

  // @ts-expect-error n must be a number
  await client.request("demo.count", { n: "3" });

  // @ts-expect-error delayMs is required by demo.progress
  await client.request("demo.progress", { steps: 3 });

  // @ts-expect-error demo.fail needs a message
  await client.request("demo.fail", {});

  await client.request(
    "demo.count",
    { n: 1 },
    {
      // @ts-expect-error chunks of demo.count have no `j`
      onChunk: (chunk) => chunk.j,
    },
  );

  // Input and output types differ where the schema transforms or defaults.
  const contract = defineContract({
    "t.parse": {
      payload: z.object({ size: z.number().default(10) }),
      result: z.string().transform((s) => s.length),
    },
  });
  const typed = createClient(transport, contract);
  const length = await typed.request("t.parse", {});
  assertType<Equal<typeof length, number>>();

  // t.parse does not stream, so its chunks are never.
  assertType<Equal<ChunkOf<typeof contract, "t.parse">, never>>();

  const store = client.createStore("demo.count");
  assertType<Equal<ReturnType<typeof store.getState>["data"], { count: number } | undefined>>();
  // @ts-expect-error the store's payload is typed too
  void store.send({ n: "many" });

  // A types-only contract (what `taskbridge types` generates): the same checks, no zod.
  type Services = {
    "py.report": {
      payload: { month: string; pages?: number };
      chunk: { page: number };
      result: { url: string };
    };
    "py.ping": { payload: null; chunk: unknown; result: "pong" };
  };
  const typedOnly = createClient(
    transport,
    defineTypedContract<Services>({ "py.report": { description: "A report" }, "py.ping": {} }),
  );
  const report = await typedOnly.request(
    "py.report",
    { month: "2026-05" },
    {
      onChunk: (chunk) => {
        assertType<Equal<typeof chunk, { page: number }>>();
      },
    },
  );
  assertType<Equal<typeof report, { url: string }>>();
  const pong = await typedOnly.request("py.ping", null);
  assertType<Equal<typeof pong, "pong">>();

  // @ts-expect-error month must be a string
  await typedOnly.request("py.report", { month: 5 });

  // @ts-expect-error month is required
  await typedOnly.request("py.report", { pages: 2 });

  // @ts-expect-error not a type of the contract
  await typedOnly.request("py.nope", null);

  // @ts-expect-error every type of Services needs an entry
  defineTypedContract<Services>({ "py.report": {} });
};
