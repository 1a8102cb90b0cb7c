import { createMemoryBroker, createMemoryServer } from "@taskbridge/broker";
import { silentLogger } from "@taskbridge/core/protocol";
import type { Worker } from "@taskbridge/worker";
import {
  type AmqpTestClient,
  createAmqpTestClient,
} from "../../test/contracts/createAmqpTestClient.js";
import { reportHandlers } from "./reportHandlers.js";
import { serveReports } from "./serveReports.js";

// The examples of docs/workers.md, served on the memory broker and called as a gateway would.
describe("examples/worker", () => {
  const server = createMemoryServer({ logger: silentLogger });
  const workerBroker = createMemoryBroker({ server, logger: silentLogger });
  const clientBroker = createMemoryBroker({ server, logger: silentLogger });
  let worker: Worker;
  let client: AmqpTestClient;

  beforeAll(async () => {
    worker = await serveReports({ broker: workerBroker, logger: silentLogger });
    client = await createAmqpTestClient(clientBroker);
  });

  afterAll(async () => {
    await worker.close();
    await client.close();
    for (const type of Object.keys(reportHandlers)) await clientBroker.deleteQueue(type);
    await clientBroker.close();
    await workerBroker.close();
    server.close();
  });

  it("math.sum returns a result, and BAD_REQUEST for a bad payload", async () => {
    const good = await client.request("math.sum", { numbers: [1, 2, 3.5] });
    const bad = await client.request("math.sum", { numbers: "12" });
    expect((await client.untilTerminal(good.correlationId)).map((r) => r.body)).toEqual([
      { sum: 6.5 },
    ]);
    expect((await client.untilTerminal(bad.correlationId))[0]?.body).toMatchObject({
      code: "BAD_REQUEST",
    });
  });

  it("report.generate streams one chunk per title, then a null result", async () => {
    const sent = await client.request("report.generate", { titles: ["intro", "summary"] });
    const replies = await client.untilTerminal(sent.correlationId);
    expect(replies.map((r) => [r.kind, r.body])).toEqual([
      ["chunk", { title: "intro", words: 500 }],
      ["chunk", { title: "summary", words: 700 }],
      ["result", null],
    ]);
  });

  it("files.scan reports progress and findings, and stops when cancelled", async () => {
    const sent = await client.request("files.scan", { files: ["a.txt", "b.exe", "c.txt"] });
    expect((await client.untilTerminal(sent.correlationId)).map((r) => [r.kind, r.body])).toEqual([
      ["progress", { done: 1, total: 3, message: "a.txt" }],
      ["chunk", { file: "b.exe", infected: true }],
      ["progress", { done: 2, total: 3, message: "b.exe" }],
      ["progress", { done: 3, total: 3, message: "c.txt" }],
      ["result", { scanned: 3, infected: 1, attempt: 1 }],
    ]);
    const files = Array.from({ length: 1000 }, (_, i) => `f${i}.txt`);
    const long = await client.request("files.scan", { files, msPerFile: 20 });
    await client.until(long.correlationId, (list) => list.length >= 1);
    await client.cancel(long);
    const replies = await client.untilTerminal(long.correlationId);
    expect(replies.at(-1)?.body).toMatchObject({ code: "CANCELLED" });
    expect(replies.length).toBeLessThan(100);
  });
});
