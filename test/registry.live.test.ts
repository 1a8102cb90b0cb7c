import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { REGISTRY_EXCHANGE } from "@taskbridge/broker";
import type { Transport } from "@taskbridge/core";
import { createClient, makeBackendRequest } from "@taskbridge/core";
import {
  backgroundTimers,
  type ErrorBody,
  type HandlerContext,
  randomId,
} from "@taskbridge/core/protocol";
import { createSocketIoTransport } from "@taskbridge/core/socket-io";
import { createGateway, definePlugin, type Gateway, silentLogger } from "@taskbridge/gateway";
import { registerHandlers, type Worker } from "@taskbridge/worker";
import { greetContract, greetHandlers } from "../examples/registry/greetService.js";
import { services as generatedServices } from "../examples/registry/services.generated.js";
import { openRequest } from "../packages/core/src/transport/openRequest.js";
import { AMQP_URL, connectTestBroker } from "./contracts/rabbitWorkerSetups.js";
import { spawnWorkerProcess, type WorkerProcess } from "./contracts/spawnWorkerProcess.js";

// docs/protocol.md §6 end to end on the shared RabbitMQ: a TypeScript worker (zod contract) and a
// Python worker process (TypedDict hints) announce their types; the gateway's catalog lists
// both with their schemas, refuses payloads that break them before publishing, and lets an
// entry go stale when its worker stops; `taskbridge types` turns the catalog into the committed
// contract module examples/registry/services.generated.ts, which compiles with the type test
// test/fixtures/registry/callWithTypes.typetest.ts. The types are the examples' fixed
// `example.*` names (the generated text must not vary); their queues are
// `t.<random>.example.*`, routed by a plugin.
const run = promisify(execFile);
const GENERATED = "examples/registry/services.generated.ts";
const TYPES = ["example.greet", "example.report"];

type Entry = {
  type: string;
  description?: string;
  version?: string;
  payloadSchema?: Record<string, unknown>;
  chunkSchema?: unknown;
  resultSchema?: unknown;
  workers: { id: string; language: string; sdkVersion: string }[];
  stale?: true;
};

describe("service registry, live (TypeScript and Python workers, RabbitMQ, gateway, CLI)", () => {
  const prefix = `t.${randomId(8).toLowerCase()}.`;
  let skewMs = 0;
  let broker: Awaited<ReturnType<typeof connectTestBroker>>;
  let gateway: Gateway;
  let transport: Transport;
  let tsWorker: Worker;
  let pyWorker: WorkerProcess;
  const greeted: unknown[] = [];

  const listServices = async (): Promise<Entry[]> =>
    (await makeBackendRequest<{ services: Entry[] }>(transport, "taskbridge.services", null))
      .services;
  /** Asks for the catalog until it satisfies `done`: announcements arrive on their own time. */
  const catalogWhere = async (done: (entries: Entry[]) => boolean): Promise<Entry[]> => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const entries = (await listServices()).filter((entry) => TYPES.includes(entry.type));
      if (done(entries) || Date.now() > deadline) return entries;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const refusal = async (type: string, payload: unknown) => {
    const kinds: string[] = [];
    const request = openRequest(transport, {
      type,
      payload,
      onFrame: (frame) => kinds.push(frame.kind),
    });
    const terminal = await request.done;
    return { kinds, error: terminal.kind === "error" ? terminal.error : undefined };
  };

  beforeAll(async () => {
    broker = await connectTestBroker();
    gateway = await createGateway({
      broker,
      port: 0,
      host: "127.0.0.1",
      gatewayId: `gw-registry-${randomId(8)}`,
      logger: silentLogger,
      knownTypesOnly: true,
      // The catalog's clock, moved ahead by the stale test instead of waiting 30 s.
      timers: { ...backgroundTimers, now: () => Date.now() + skewMs },
      plugins: [
        definePlugin({
          name: "registry-test-queues",
          match: /^example\./,
          queue: (t) => prefix + t,
        }),
      ],
    });
    tsWorker = await registerHandlers({
      url: AMQP_URL,
      handlers: {
        "example.greet": (payload: { name: string }, ctx: HandlerContext) => {
          greeted.push(payload);
          return greetHandlers["example.greet"](payload, ctx);
        },
      },
      contract: greetContract,
      queuePrefix: prefix,
      logger: silentLogger,
    });
    pyWorker = spawnWorkerProcess({
      command: "/usr/bin/python3",
      args: ["examples/registry/report_worker.py"],
      env: { AMQP_URL, TASKBRIDGE_QUEUE_PREFIX: prefix, PYTHONPATH: "workers/python" },
    });
    await pyWorker.ready;
    transport = createSocketIoTransport({
      url: `http://127.0.0.1:${gateway.port}`,
      socketOptions: { transports: ["websocket"] },
    });
  }, 60_000);

  afterAll(async () => {
    await transport?.close();
    await tsWorker?.close();
    if (pyWorker?.child.exitCode === null) await pyWorker.stop("SIGTERM");
    await gateway?.close();
    for (const type of TYPES) await broker?.deleteQueue(`${prefix}${type}`);
    await broker?.close();
  });

  it("lists the TypeScript and the Python service with their schemas and workers", async () => {
    const entries = await catalogWhere((list) => list.length === 2);
    const greet = entries.find((entry) => entry.type === "example.greet");
    const report = entries.find((entry) => entry.type === "example.report");
    expect(greet).toMatchObject({
      description: greetContract["example.greet"].description,
      version: "1",
      payloadSchema: {
        $schema: "https://json-schema.org/draft/2020-12/schema",
        type: "object",
        required: ["name"],
      },
      chunkSchema: expect.objectContaining({ required: ["word"] }),
      resultSchema: expect.objectContaining({ required: ["greeting"] }),
    });
    expect(greet?.workers).toContainEqual({
      id: tsWorker.workerId,
      language: "typescript",
      sdkVersion: expect.any(String),
    });
    expect(report).toMatchObject({
      description: "Builds a monthly report, streaming one line per page.",
      version: "1",
      payloadSchema: { title: "ReportRequest", required: ["month", "format"] },
      chunkSchema: expect.objectContaining({ title: "ReportLine" }),
      resultSchema: expect.objectContaining({ title: "Report" }),
    });
    expect(report?.workers).toContainEqual(
      expect.objectContaining({ language: "python", sdkVersion: expect.any(String) }),
    );
  });

  it("refuses a payload that breaks the announced schema with BAD_REQUEST naming the field, before RabbitMQ", async () => {
    await catalogWhere((list) => list.length === 2);
    const badMonth = await refusal("example.report", { month: 5, format: "pdf" });
    // No `accepted`: the request never reached RabbitMQ.
    expect(badMonth.kinds).toEqual(["error"]);
    expect(badMonth.error).toMatchObject({
      code: "BAD_REQUEST",
      details: { issues: [expect.objectContaining({ path: "/month" })] },
    });
    const badName = await refusal("example.greet", { name: 42 });
    expect(badName.kinds).toEqual(["error"]);
    expect((badName.error as ErrorBody).details).toMatchObject({
      issues: [expect.objectContaining({ path: "/name" })],
    });
    // A missing field is named by its own path too.
    const noFormat = await refusal("example.report", { month: "2026-05" });
    expect(noFormat.error?.details).toEqual({
      issues: [{ path: "/format", message: "must have required property 'format'" }],
    });
    expect(greeted).toEqual([]);

    // The typed client from the generated module, on the same live stack.
    const client = createClient(transport, generatedServices);
    const lines: number[] = [];
    const report = await client.request(
      "example.report",
      { month: "2026-05", format: "csv", pages: 2 },
      { onChunk: (line) => lines.push(line.page) },
    );
    expect(report).toEqual({ url: "/reports/2026-05.csv", pages: 2 });
    expect(lines).toEqual([1, 2]);
    expect(await client.request("example.greet", { name: "Ada" })).toEqual({
      greeting: "Hello, Ada.",
    });
    expect(greeted).toEqual([{ name: "Ada" }]);
  });

  it("answers UNKNOWN_TYPE for a type never announced", async () => {
    // Outside the test's routing plugin, which claims `example.*` (a claimed type is routable).
    const unknown = await refusal(`registry.never-${randomId(6).toLowerCase()}`, {});
    expect(unknown.kinds).toEqual(["error"]);
    expect(unknown.error?.code).toBe("UNKNOWN_TYPE");
  });

  it("taskbridge types writes the committed contract module from the live catalog, and it compiles", async () => {
    await catalogWhere((list) => list.length === 2);
    const argv = [
      "--import",
      "tsx",
      "packages/cli/src/bin.ts",
      "types",
      "--gateway",
      `http://127.0.0.1:${gateway.port}`,
      "--out",
      GENERATED,
      "--include",
      "example.",
      "--import-from",
      "@taskbridge/core",
    ];
    // TASKBRIDGE_UPDATE_GENERATED=1 rewrites the module (after a deliberate change of the
    // examples or the generator); the check below then holds by construction.
    if (process.env.TASKBRIDGE_UPDATE_GENERATED === "1") await run(process.execPath, argv);
    // --check: exit 0 only when the file is exactly what the catalog generates today.
    const checked = await run(process.execPath, [...argv, "--check"]);
    expect(checked.stdout).toBe(`${GENERATED} is up to date (2 types)\n`);
    // The generated module and the type test beside it (a wrong payload to the Python-served
    // type must not compile) pass the compiler.
    await run("node_modules/.bin/tsc", ["--noEmit", "-p", "test/fixtures/registry/tsconfig.json"]);
  }, 60_000);

  it("lets the Python entry go stale when its worker stops, while the TypeScript one stays fresh", async () => {
    await catalogWhere((list) => list.length === 2);
    const { code } = await pyWorker.stop("SIGTERM");
    expect(code).toBe(0);
    // 31 s later on the catalog's clock, both last announcements are old; the live TypeScript
    // worker answers a registry query, the stopped Python one cannot.
    skewMs = 31_000;
    await broker.publish(REGISTRY_EXCHANGE, "query", "{}", { contentType: "application/json" });
    const entries = await catalogWhere((list) =>
      list.some((entry) => entry.type === "example.greet" && !entry.stale),
    );
    expect(entries.find((entry) => entry.type === "example.greet")?.workers).toContainEqual(
      expect.objectContaining({ id: tsWorker.workerId }),
    );
    expect(entries.find((entry) => entry.type === "example.report")).toMatchObject({
      stale: true,
      workers: [],
      payloadSchema: { title: "ReportRequest" },
    });
    // Known, but no live worker: UNAVAILABLE (retryable) at once, not a request left waiting
    // in a queue nobody consumes.
    const stale = await refusal("example.report", { month: "2026-05", format: "pdf" });
    expect(stale.kinds).toEqual(["error"]);
    expect(stale.error).toMatchObject({ code: "UNAVAILABLE", retryable: true });
  }, 60_000);
});
