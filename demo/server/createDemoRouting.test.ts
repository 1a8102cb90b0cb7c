import {
  type PublicationInput,
  preparePublication,
} from "../../packages/gateway/src/preparePublication.js";
import { createDemoRouting } from "./createDemoRouting.js";

const input = (type: string): PublicationInput => ({
  id: "r1",
  type,
  payload: { n: 3 },
  principal: "anon",
  claims: {},
  sessionId: "s".repeat(16),
  requestKey: `anon:${"s".repeat(16)}:r1`,
  timeoutMs: 5000,
  defaultTimeoutMs: 600_000,
  maxTimeoutMs: 3_600_000,
  now: 1_000,
});

describe("createDemoRouting", () => {
  const plugins = [createDemoRouting({ queuePrefix: "e2e1." })];

  it("sends demo.* to the prefixed queue of the TypeScript worker, type unchanged", async () => {
    expect(await preparePublication(plugins, input("demo.count"))).toMatchObject({
      queue: "e2e1.demo.count",
      headers: { "x-type": "demo.count" },
      payload: { n: 3 },
    });
  });

  it("sends py.demo.* to the Python worker's queue with the plain type in x-type", async () => {
    expect(await preparePublication(plugins, input("py.demo.count"))).toMatchObject({
      queue: "e2e1.py.demo.count",
      headers: { "x-type": "demo.count", "x-deadline": 6000, "x-principal": "anon" },
    });
  });

  it("leaves other types alone, and routes to the plain names without a prefix", async () => {
    expect(await preparePublication(plugins, input("report.generate"))).toMatchObject({
      queue: "report.generate",
    });
    expect(await preparePublication([createDemoRouting()], input("py.demo.echo"))).toMatchObject({
      queue: "py.demo.echo",
      headers: { "x-type": "demo.echo" },
    });
  });
});
