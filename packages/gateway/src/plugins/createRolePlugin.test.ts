import { preparePublication } from "../preparePublication.js";
import { createRolePlugin } from "./createRolePlugin.js";

const run = (type: string, roles: unknown) =>
  preparePublication(
    [createRolePlugin({ rules: [{ match: /^admin\./, roles: ["admin", "ops"] }] })],
    {
      id: "r",
      type,
      payload: null,
      principal: "u",
      claims: { roles },
      sessionId: "s".repeat(16),
      requestKey: "k",
      timeoutMs: undefined,
      defaultTimeoutMs: 1000,
      maxTimeoutMs: 1000,
      now: 0,
    },
  );

describe("createRolePlugin", () => {
  it("allows a user with one of the rule's roles", async () => {
    expect(await run("admin.purge", ["ops"])).toMatchObject({ queue: "admin.purge" });
  });

  it("refuses others with FORBIDDEN naming the roles", async () => {
    expect(await run("admin.purge", ["viewer"])).toEqual({
      code: "FORBIDDEN",
      message: "admin.purge needs one of the roles: admin, ops",
      details: { roles: ["admin", "ops"] },
    });
    expect(await run("admin.purge", "admin")).toMatchObject({ code: "FORBIDDEN" });
  });

  it("leaves types no rule covers alone", async () => {
    expect(await run("demo.echo", [])).toMatchObject({ queue: "demo.echo" });
  });
});
