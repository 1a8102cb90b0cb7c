import { createMemoryBroker, createMemoryServer, REGISTRY_EXCHANGE } from "@taskbridge/broker";
import { silentLogger } from "@taskbridge/core/protocol";
import { referenceContract } from "@taskbridge/core/reference-contract";
import { Ajv2020 } from "ajv/dist/2020.js";
import { z } from "zod";
import { registerHandlers } from "./registerHandlers.js";
import { servicesFromContract } from "./servicesFromContract.js";

const DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";

describe("servicesFromContract", () => {
  it("announces the payload's input schema and the chunk's and result's output schemas, draft 2020-12", () => {
    const services = servicesFromContract({
      "t.report": {
        description: "Builds a report",
        version: "2",
        payload: z.object({ month: z.string(), pages: z.number().int().default(1) }),
        chunk: z.object({ line: z.string() }),
        result: z.object({ url: z.string() }),
      },
    });
    expect(services).toEqual({
      "t.report": {
        description: "Builds a report",
        version: "2",
        payloadSchema: {
          $schema: DRAFT_2020_12,
          type: "object",
          properties: {
            month: { type: "string" },
            pages: expect.objectContaining({ type: "integer", default: 1 }),
          },
          // a default makes the field optional for the caller
          required: ["month"],
        },
        chunkSchema: expect.objectContaining({ $schema: DRAFT_2020_12, required: ["line"] }),
        resultSchema: expect.objectContaining({ $schema: DRAFT_2020_12, required: ["url"] }),
      },
    });
  });

  it("gives schemas a 2020-12 validator accepts and refuses as the zod contract does", () => {
    const ajv = new Ajv2020({ strict: false });
    const services = servicesFromContract(referenceContract);
    const validCount = ajv.compile(services["demo.count"]?.payloadSchema as object);
    expect(validCount({ n: 3 })).toBe(true);
    expect(validCount({ n: 3, delayMs: 5 })).toBe(true);
    expect(validCount({ n: -1 })).toBe(false);
    expect(validCount({ n: "3" })).toBe(false);
    expect(ajv.compile(services["demo.echo"]?.payloadSchema as object)(["anything"])).toBe(true);
    expect(services["demo.count"]?.chunkSchema).toBeDefined();
    // A type that streams nothing says so (`never`: no chunk is valid); one whose contract has no
    // chunk schema at all announces none.
    expect(ajv.compile(services["demo.echo"]?.chunkSchema as object)({ i: 1 })).toBe(false);
    const plain = servicesFromContract({ "t.plain": { payload: z.string(), result: z.string() } });
    expect(plain["t.plain"]?.chunkSchema).toBeUndefined();
  });

  it("announces a transform's output as anything instead of throwing", () => {
    const services = servicesFromContract({
      "t.len": { payload: z.string(), result: z.string().transform((s) => s.length) },
    });
    expect(services["t.len"]?.payloadSchema).toEqual({ $schema: DRAFT_2020_12, type: "string" });
    expect(services["t.len"]?.resultSchema).toEqual({ $schema: DRAFT_2020_12 });
  });
});

describe("registerHandlers({ contract })", () => {
  it("announces each served type with the contract's schemas; `services` overrides per field", async () => {
    const server = createMemoryServer({ logger: silentLogger });
    const watcher = createMemoryBroker({ server, logger: silentLogger });
    const workerBroker = createMemoryBroker({ server, logger: silentLogger });
    await watcher.assertExchange(REGISTRY_EXCHANGE, "topic", { durable: true });
    await watcher.assertQueue("registry.watch", { exclusive: true });
    await watcher.bindQueue("registry.watch", REGISTRY_EXCHANGE, "announce.#");
    const heard = new Map<string, Record<string, unknown>>();
    let wake = () => {};
    const consumer = await watcher.consume(
      "registry.watch",
      (message) => {
        const body = JSON.parse(new TextDecoder().decode(message.body));
        heard.set(body.type, body);
        wake();
      },
      { noAck: true },
    );
    const both = new Promise<void>((resolve) => {
      wake = () => heard.size >= 2 && resolve();
    });

    const worker = await registerHandlers({
      broker: workerBroker,
      handlers: {
        "demo.count": () => ({ count: 0 }),
        "demo.echo": (payload) => payload,
      },
      contract: referenceContract,
      services: { "demo.echo": { description: "Says it back.", version: "3" } },
      queuePrefix: "sfc.",
      workerId: "w-contract",
      logger: silentLogger,
    });
    await both;
    expect(heard.get("demo.count")).toEqual({
      type: "demo.count",
      queue: "sfc.demo.count",
      description: referenceContract["demo.count"].description,
      payloadSchema: servicesFromContract(referenceContract)["demo.count"]?.payloadSchema,
      chunkSchema: servicesFromContract(referenceContract)["demo.count"]?.chunkSchema,
      resultSchema: servicesFromContract(referenceContract)["demo.count"]?.resultSchema,
      worker: { id: "w-contract", language: "typescript", sdkVersion: expect.any(String) },
    });
    expect(heard.get("demo.echo")).toMatchObject({
      description: "Says it back.",
      version: "3",
      payloadSchema: { $schema: DRAFT_2020_12 },
    });
    // Types the worker does not serve are not announced, contract or not.
    expect([...heard.keys()].sort()).toEqual(["demo.count", "demo.echo"]);

    await worker.close();
    await consumer.close();
    for (const queue of ["sfc.demo.count", "sfc.demo.echo"]) await watcher.deleteQueue(queue);
    await watcher.close();
    await workerBroker.close();
  });
});
