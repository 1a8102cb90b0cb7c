import { REGISTRY_EXCHANGE } from "@taskbridge/broker";
import type { ReplyFrame } from "@taskbridge/core/protocol";
import { backgroundTimers } from "@taskbridge/core/protocol";
import {
  createGatewayHarness,
  type GatewayHarness,
  type TestClient,
} from "../testing/createGatewayHarness.js";

// docs/protocol.md §6 as a client of a gateway with `knownTypesOnly` sees it: announced types are
// validated against their payloadSchema; a type never announced is UNKNOWN_TYPE; a type whose
// workers went quiet is listed stale and answered UNAVAILABLE until a worker announces again.
const schema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties: { name: { type: "string" } },
  required: ["name"],
};
const worker = { id: "w-1", language: "python", sdkVersion: "0.1.0" };

describe("gateway registry (knownTypesOnly)", () => {
  let harness: GatewayHarness;
  let client: TestClient;
  let skewMs = 0;
  let next = 0;
  afterEach(() => harness?.close());

  const announce = (type: string) =>
    harness.worker.publish(
      REGISTRY_EXCHANGE,
      `announce.${type}`,
      JSON.stringify({ type, queue: type, payloadSchema: schema, worker }),
      { contentType: "application/json" },
    );
  const ask = async (type: string, payload: unknown): Promise<ReplyFrame[]> => {
    const id = `r${next++}`;
    client.socket.emit("request", { v: 1, id, type, payload });
    await client.terminal(id);
    return client.framesOf(id);
  };
  /** The catalog once `done` holds: announcements reach the gateway on their own time. */
  const servicesWhere = async (done: (services: { type: string; stale?: true }[]) => boolean) => {
    for (;;) {
      const frames = await ask("taskbridge.services", null);
      const last = frames.at(-1);
      const services = last?.kind === "result" ? (last.data as { services: [] }).services : [];
      if (done(services)) return services;
    }
  };

  it("validates announced types, refuses unknown ones, and answers UNAVAILABLE once stale", async () => {
    harness = await createGatewayHarness({
      knownTypesOnly: true,
      timers: { ...backgroundTimers, now: () => Date.now() + skewMs },
    });
    client = await harness.connect();
    await harness.serve(
      "t.greet",
      (message) => void harness.reply(message, { kind: "result", body: "hi" }),
    );
    await announce("t.greet");
    await servicesWhere((list) => list.some((s) => s.type === "t.greet"));

    const missing = await ask("t.greet", {});
    expect(missing).toEqual([
      {
        id: expect.any(String),
        seq: 0,
        kind: "error",
        error: {
          code: "BAD_REQUEST",
          message: "the payload of t.greet does not match its schema",
          details: { issues: [{ path: "/name", message: "must have required property 'name'" }] },
        },
      },
    ]);
    expect((await ask("t.greet", { name: "Ada" })).map((f) => f.kind)).toEqual([
      "accepted",
      "result",
    ]);
    expect(await ask("t.never", {})).toMatchObject([
      { kind: "error", error: { code: "UNKNOWN_TYPE" } },
    ]);

    skewMs = 31_000;
    expect(await servicesWhere(() => true)).toEqual([
      { type: "t.greet", queue: "t.greet", payloadSchema: schema, workers: [], stale: true },
    ]);
    expect(await ask("t.greet", { name: "Ada" })).toMatchObject([
      { seq: 0, kind: "error", error: { code: "UNAVAILABLE", retryable: true } },
    ]);

    await announce("t.greet");
    await servicesWhere((list) => list.some((s) => s.type === "t.greet" && !s.stale));
    expect((await ask("t.greet", { name: "Ada" })).map((f) => f.kind)).toEqual([
      "accepted",
      "result",
    ]);
  });
});
