import { REGISTRY_EXCHANGE } from "@taskbridge/broker";
import { randomId } from "@taskbridge/core/protocol";
import { brief } from "../testing/brief.js";
import { createGatewayHarness, type GatewayHarness } from "../testing/createGatewayHarness.js";

// Types as a client sees them (docs/protocol.md §2.3 steps 12–14, §6): built-ins, unknown and
// unavailable types, the service list and payloads checked against announced schemas.
describe("createGateway: request types", () => {
  let harness: GatewayHarness;
  afterEach(async () => {
    await harness.close();
  });

  it("answers a type never announced with UNKNOWN_TYPE, an announced one nobody serves with UNAVAILABLE", async () => {
    harness = await createGatewayHarness();
    const client = await harness.connect();
    const never = `t.${randomId(6).toLowerCase()}`;
    client.socket.emit("request", { v: 1, id: "x", type: never, payload: null });
    await client.terminal("x");
    expect(brief(client.framesOf("x"))).toEqual(["0:error:UNKNOWN_TYPE"]);

    // Announced once (its worker and queue are gone now): known, but unavailable.
    const gone = `t.${randomId(6).toLowerCase()}`;
    const worker = { id: "w-1", language: "typescript", sdkVersion: "0.1.0" };
    await harness.worker.publish(
      REGISTRY_EXCHANGE,
      `announce.${gone}`,
      JSON.stringify({ type: gone, queue: gone, worker }),
      { contentType: "application/json" },
    );
    // The announcement reaches the gateway on its own time: ask until the catalog lists it.
    for (let n = 0; ; n++) {
      client.socket.emit("request", { v: 1, id: `s${n}`, type: "taskbridge.services" });
      const last = await client.terminal(`s${n}`);
      const services =
        last.kind === "result" ? (last.data as { services: { type: string }[] }) : undefined;
      if (services?.services.some((s) => s.type === gone)) break;
    }
    client.socket.emit("request", { v: 1, id: "y", type: gone, payload: null });
    await client.terminal("y");
    expect(brief(client.framesOf("y"))).toEqual(["0:error:UNAVAILABLE"]);
  });

  it("answers UNKNOWN_TYPE for unknown built-ins, and for unknown types when knownTypesOnly", async () => {
    harness = await createGatewayHarness({ knownTypesOnly: true });
    const client = await harness.connect();
    client.socket.emit("request", { v: 1, id: "a", type: "taskbridge.nope", payload: null });
    client.socket.emit("request", { v: 1, id: "b", type: "nobody.serves", payload: null });
    client.socket.emit("request", { v: 1, id: "c", type: "taskbridge.services" });
    expect((await client.terminal("a")).kind === "error" && brief(client.framesOf("a"))).toEqual([
      "0:error:UNKNOWN_TYPE",
    ]);
    expect(brief(client.framesOf("b"))).toEqual(["0:error:UNKNOWN_TYPE"]);
    const services = await client.terminal("c");
    expect(brief(client.framesOf("c"))).toEqual(["0:accepted", "1:result"]);
    expect(services).toMatchObject({ data: { services: [] } });
  });

  it("answers extra built-in types, and INTERNAL when one throws", async () => {
    harness = await createGatewayHarness({
      builtins: {
        "taskbridge.whoami": (_payload, session) => ({ principal: session.principal }),
        "taskbridge.broken": () => {
          throw new Error("secret");
        },
      },
    });
    const client = await harness.connect();
    client.socket.emit("request", { v: 1, id: "w", type: "taskbridge.whoami" });
    client.socket.emit("request", { v: 1, id: "b", type: "taskbridge.broken" });
    expect(await client.terminal("w")).toEqual({
      id: "w",
      seq: 1,
      kind: "result",
      data: { principal: "anon" },
    });
    expect(await client.terminal("b")).toEqual({
      id: "b",
      seq: 1,
      kind: "error",
      error: { code: "INTERNAL", message: "taskbridge.broken failed" },
    });
  });

  it("lists announced services in taskbridge.services", async () => {
    harness = await createGatewayHarness();
    await harness.worker.publish(
      "taskbridge.registry",
      "announce.demo.echo",
      JSON.stringify({
        type: "demo.echo",
        queue: "demo.echo",
        worker: { id: "w1", language: "typescript", sdkVersion: "0.1.0" },
      }),
    );
    const client = await harness.connect();
    let n = 0;
    // the announcement travels through the broker; ask until it is in
    for (;;) {
      const id = `s${n++}`;
      client.socket.emit("request", { v: 1, id, type: "taskbridge.services" });
      const frame = await client.terminal(id);
      if (frame.kind === "result" && (frame.data as { services: unknown[] }).services.length > 0) {
        expect(frame.data).toEqual({
          services: [
            {
              type: "demo.echo",
              queue: "demo.echo",
              workers: [{ id: "w1", language: "typescript", sdkVersion: "0.1.0" }],
            },
          ],
        });
        break;
      }
    }
  });

  it("validates payloads against an announced payloadSchema", async () => {
    harness = await createGatewayHarness();
    const queue = harness.inbox("demo.count");
    await queue.ready;
    await harness.worker.publish(
      "taskbridge.registry",
      "announce.demo.count",
      JSON.stringify({
        type: "demo.count",
        queue: "demo.count",
        payloadSchema: { type: "object", properties: { n: { type: "integer" } }, required: ["n"] },
      }),
    );
    const client = await harness.connect();
    // the announcement travels through the broker: ask until the gateway knows the schema
    for (let n = 0; ; n++) {
      client.socket.emit("request", {
        v: 1,
        id: `bad${n}`,
        type: "demo.count",
        payload: { n: "x" },
      });
      const frame = await client.terminal(`bad${n}`);
      if (frame.kind === "error" && frame.error.code === "BAD_REQUEST") {
        expect(frame).toMatchObject({ seq: 0, error: { details: { issues: [{ path: "/n" }] } } });
        break;
      }
      await harness.reply(await queue.next(), { kind: "result", body: null });
    }
    client.socket.emit("request", { v: 1, id: "good", type: "demo.count", payload: { n: 2 } });
    await harness.reply(await queue.next(), { kind: "result", body: { count: 2 } });
    expect(await client.terminal("good")).toMatchObject({ kind: "result" });
  });
});
