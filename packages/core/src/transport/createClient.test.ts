import { z } from "zod";
import { isErrorBody } from "../protocol/index.js";
import { createClient } from "./createClient.js";
import { createMemoryTransport } from "./createMemoryTransport.js";
import { defineContract, defineTypedContract } from "./defineContract.js";
import type { Transport } from "./transport.js";

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

describe("createClient", () => {
  const transport = createMemoryTransport({
    handlers: {
      "demo.echo": (payload: unknown) => payload,
      "demo.count": (payload: { n: number }, ctx) => {
        for (let i = 0; i < payload.n; i++) ctx.emit({ i });
        return { count: payload.n };
      },
      "demo.fail": (payload: { message: string }) => {
        throw new Error(payload.message);
      },
      "t.liar": () => ({ count: "not a number" }),
      "t.badchunks": async (_payload: null, ctx) => {
        ctx.emit({ i: 0 });
        ctx.emit({ i: "one" });
        ctx.emit({ i: 2 });
        return { count: 3 };
      },
    },
  });
  afterAll(() => transport.close());
  const client = createClient(transport, demoContract);

  it("sends typed requests and returns parsed results", async () => {
    const chunks: number[] = [];
    const result = await client.request(
      "demo.count",
      { n: 2 },
      {
        onChunk: ({ i }) => chunks.push(i),
      },
    );
    expect(result).toEqual({ count: 2 });
    expect(chunks).toEqual([0, 1]);
  });

  it("refuses a bad payload with BAD_REQUEST naming the field, before sending", async () => {
    const sent: string[] = [];
    const watched: Transport = {
      ...transport,
      send: (request, onFrame) => {
        sent.push(request.type);
        transport.send(request, onFrame);
      },
    };
    const error = await createClient(watched, demoContract)
      // A caller without types (plain JS, or data from outside) can still send garbage.
      .request("demo.count", JSON.parse('{ "n": "three" }'))
      .catch((e: unknown) => e);
    expect(isErrorBody(error)).toBe(true);
    expect(error).toMatchObject({
      code: "BAD_REQUEST",
      details: { issues: [{ path: "n", message: expect.any(String) }] },
    });
    expect(sent).toEqual([]);
  });

  it("rejects with the server's error body", async () => {
    await expect(client.request("demo.fail", { message: "bad day" })).rejects.toEqual({
      code: "WORKER_ERROR",
      message: "bad day",
    });
  });

  it("checks results, and chunks when asked, against the contract", async () => {
    const contract = defineContract({
      "t.liar": { payload: z.null(), result: demoContract["demo.count"].result },
      "t.badchunks": {
        payload: z.null(),
        chunk: demoContract["demo.count"].chunk,
        result: demoContract["demo.count"].result,
      },
    });
    await expect(createClient(transport, contract).request("t.liar", null)).rejects.toMatchObject({
      code: "INTERNAL",
      details: { issues: [{ path: "count" }] },
    });
    expect(
      await createClient(transport, contract, { validateResult: false }).request("t.liar", null),
    ).toEqual({ count: "not a number" });
    const seen: unknown[] = [];
    await expect(
      createClient(transport, contract, { validateChunks: true }).request("t.badchunks", null, {
        onChunk: (chunk) => seen.push(chunk),
      }),
    ).rejects.toMatchObject({ code: "INTERNAL", details: { issues: [{ path: "i" }] } });
    expect(seen).toEqual([{ i: 0 }]);
  });

  it("sends the payload as the schema parsed it", async () => {
    const contract = defineContract({
      "demo.echo": {
        payload: z.object({ size: z.number().default(10) }),
        result: z.object({ size: z.number() }),
      },
    });
    expect(await createClient(transport, contract).request("demo.echo", {})).toEqual({ size: 10 });
  });

  it("rejects a type outside the contract, and makes typed stores", async () => {
    const untyped = client as unknown as { request(type: string, p: unknown): Promise<unknown> };
    await expect(untyped.request("demo.nope", null)).rejects.toMatchObject({
      code: "UNKNOWN_TYPE",
    });
    const store = client.createStore("demo.echo");
    expect(await store.send({ hello: 1 })).toEqual({ hello: 1 });
    expect(store.getState()).toMatchObject({ status: "success", data: { hello: 1 } });
  });

  it("runs a types-only contract: no run-time checks, the server's answer as it comes", async () => {
    type Services = {
      "demo.count": { payload: { n: number }; chunk: { i: number }; result: { count: number } };
      "t.liar": { payload: null; result: { count: number } };
    };
    const typed = createClient(
      transport,
      defineTypedContract<Services>({ "demo.count": { description: "Counts" }, "t.liar": {} }),
    );
    const chunks: number[] = [];
    expect(
      await typed.request("demo.count", { n: 2 }, { onChunk: ({ i }) => chunks.push(i) }),
    ).toEqual({ count: 2 });
    expect(chunks).toEqual([0, 1]);
    // No schema to check against: a lying server is not caught here (the gateway checks payloads).
    expect(await typed.request("t.liar", null)).toEqual({ count: "not a number" });
    const untyped = typed as unknown as { request(type: string, p: unknown): Promise<unknown> };
    await expect(untyped.request("demo.echo", 1)).rejects.toMatchObject({ code: "UNKNOWN_TYPE" });
    expect(typed.contract["demo.count"]).toEqual({ description: "Counts" });
  });
});
