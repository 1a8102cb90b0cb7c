import { silentLogger } from "@taskbridge/core/protocol";
import { announcement } from "../testing/announcement.js";
import { createServiceCatalog } from "./createServiceCatalog.js";
import { createTypePolicy, type TypePolicyOptions } from "./createTypePolicy.js";
import { definePlugin } from "./definePlugin.js";

const schema = { type: "object", properties: { n: { type: "integer" } }, required: ["n"] };
const reports = definePlugin({ name: "reports", match: /^report\./ });
const session = { principal: "anon", sessionId: "s".repeat(16), claims: {} };

const setup = (options: Partial<TypePolicyOptions> = {}) => {
  let now = 0;
  const catalog = createServiceCatalog({ staleMs: 30_000, now: () => now });
  catalog.onAnnouncement(
    announcement({ type: "demo.count", queue: "demo.count", payloadSchema: schema }),
  );
  const policy = createTypePolicy({
    catalog,
    plugins: [reports],
    logger: silentLogger,
    ...options,
  });
  const codeOf = (type: string, payload: unknown = { n: 1 }) => {
    const decision = policy.decide(type, payload);
    return decision.kind === "refused" ? decision.error.code : decision.kind;
  };
  return { policy, codeOf, later: (ms: number) => (now += ms) };
};

describe("createTypePolicy", () => {
  it("answers built-ins itself and refuses unknown taskbridge.* types", () => {
    const { policy, codeOf } = setup({ builtins: { "taskbridge.whoami": () => "me" } });
    expect(codeOf("taskbridge.nope")).toBe("UNKNOWN_TYPE");
    const services = policy.decide("taskbridge.services", null);
    expect(services.kind === "builtin" && services.handler(null, session)).toEqual({
      services: [{ type: "demo.count", queue: "demo.count", payloadSchema: schema, workers: [] }],
    });
    const whoami = policy.decide("taskbridge.whoami", null);
    expect(whoami.kind === "builtin" && whoami.handler(null, session)).toBe("me");
  });

  it("checks payloads against the announced schema and hands over the claiming plugins", () => {
    const { policy, codeOf } = setup();
    expect(policy.decide("demo.count", { n: "x" })).toMatchObject({
      kind: "refused",
      error: { code: "BAD_REQUEST", details: { issues: [{ path: "/n" }] } },
    });
    expect(policy.decide("demo.count", { n: 2 })).toEqual({ kind: "publish", plugins: [] });
    expect(policy.decide("report.monthly", null)).toEqual({ kind: "publish", plugins: [reports] });
    expect(codeOf("never.announced")).toBe("publish");
  });

  it("with knownTypesOnly refuses unknown types and answers stale ones UNAVAILABLE", () => {
    const { codeOf, later } = setup({ knownTypesOnly: true });
    expect(codeOf("never.announced")).toBe("UNKNOWN_TYPE");
    expect(codeOf("report.monthly")).toBe("publish");
    expect(codeOf("demo.count")).toBe("publish");
    later(30_001);
    expect(codeOf("demo.count")).toBe("UNAVAILABLE");
  });

  it("names a returned request UNKNOWN_TYPE only when nothing announced or claims it", () => {
    const { policy } = setup();
    expect(policy.unroutableError("never.announced", []).code).toBe("UNKNOWN_TYPE");
    expect(policy.unroutableError("report.monthly", [reports]).code).toBe("UNAVAILABLE");
    expect(policy.unroutableError("demo.count", []).code).toBe("UNAVAILABLE");
  });
});
