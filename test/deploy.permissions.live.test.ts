import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createRabbitBroker, waitForConnected } from "@taskbridge/broker";
import type { Transport } from "@taskbridge/core";
import { makeBackendRequest } from "@taskbridge/core";
import { randomId } from "@taskbridge/core/protocol";
import { referenceHandlers } from "@taskbridge/core/reference";
import { createSocketIoTransport } from "@taskbridge/core/socket-io";
import { createGateway, type Gateway, silentLogger } from "@taskbridge/gateway";
import { registerHandlers, type Worker } from "@taskbridge/worker";
import { connect } from "amqplib";

// docs/deployment.md gives each service its own RabbitMQ user with the regexes of
// deploy/rabbitmq/permissions.env. This proves them on the shared broker, in a vhost and with
// users of its own (deleted afterwards): a gateway and a worker run the full protocol with
// exactly those rights, and each is refused what the other one does.

const run = promisify(execFile);
const ctl = (...args: string[]) => run("rabbitmqctl", ["-q", ...args], { timeout: 60_000 });

const readPermissions = (): Record<string, string> => {
  const text = readFileSync("deploy/rabbitmq/permissions.env", "utf8");
  return Object.fromEntries(
    [...text.matchAll(/^([A-Z_]+)='([^']*)'$/gm)].map((m) => [m[1] as string, m[2] as string]),
  );
};

jest.setTimeout(120_000);

describe("deploy/rabbitmq/permissions.env", () => {
  const suffix = randomId(8)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "x");
  const vhost = `tb-perm-${suffix}`;
  const users = { gateway: `tb-gw-${suffix}`, worker: `tb-wk-${suffix}` };
  const password = `pw-${randomId(16)}`;
  const urlOf = (user: string) =>
    `amqp://${user}:${password}@127.0.0.1:5672/${encodeURIComponent(vhost)}`;
  const p = readPermissions();
  let worker: Worker | undefined;
  let gatewayBroker: ReturnType<typeof createRabbitBroker> | undefined;
  let gateway: Gateway | undefined;
  let transport: Transport | undefined;

  const rights = [
    [users.gateway, p.GATEWAY_CONFIGURE!, p.GATEWAY_WRITE!, p.GATEWAY_READ!],
    [users.worker, p.WORKER_CONFIGURE!, p.WORKER_WRITE!, p.WORKER_READ!],
  ] as const;

  // Each rabbitmqctl call starts an Erlang VM (seconds on a loaded machine): the vhost, the
  // users and their permissions go in with one `import_definitions`, and out with one `eval`;
  // one call per step only where those fail.
  const createAll = async () => {
    const dir = mkdtempSync(join(tmpdir(), "taskbridge-perm-"));
    const file = join(dir, "definitions.json");
    writeFileSync(
      file,
      JSON.stringify({
        vhosts: [{ name: vhost }],
        users: Object.values(users).map((name) => ({ name, password, tags: "" })),
        permissions: rights.map(([user, configure, write, read]) => ({
          user,
          vhost,
          configure,
          write,
          read,
        })),
      }),
    );
    try {
      await ctl("import_definitions", file);
    } catch {
      await ctl("add_vhost", vhost);
      for (const user of Object.values(users)) await ctl("add_user", user, password);
      for (const [user, ...perms] of rights)
        await ctl("set_permissions", "-p", vhost, user, ...perms);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const deleteAll = async () => {
    const erlang = `rabbit_vhost:delete(<<"${vhost}">>, <<"taskbridge-test">>), ${Object.values(
      users,
    )
      .map(
        (user) => `rabbit_auth_backend_internal:delete_user(<<"${user}">>, <<"taskbridge-test">>)`,
      )
      .join(", ")}.`;
    const { stdout } = await ctl("eval", erlang).catch(() => ({ stdout: "" }));
    if (stdout.trim() === "ok") return;
    await ctl("delete_vhost", vhost).catch(() => {});
    for (const user of Object.values(users)) await ctl("delete_user", user).catch(() => {});
  };

  beforeAll(async () => {
    await createAll();
    worker = await registerHandlers({
      url: urlOf(users.worker),
      handlers: referenceHandlers,
      logger: silentLogger,
    });
    gatewayBroker = createRabbitBroker({ url: urlOf(users.gateway), logger: silentLogger });
    await waitForConnected(gatewayBroker, 30_000);
    gateway = await createGateway({
      broker: gatewayBroker,
      port: 0,
      host: "127.0.0.1",
      logger: silentLogger,
    });
    transport = createSocketIoTransport({ url: `http://127.0.0.1:${gateway.port}` });
  });

  afterAll(async () => {
    await transport?.close();
    await gateway?.close();
    await gatewayBroker?.close();
    await worker?.close();
    await deleteAll();
  });

  it("lets the gateway and the worker run requests, streams and cancels", async () => {
    const chunks: unknown[] = [];
    const result = await makeBackendRequest(
      transport!,
      "demo.count",
      { n: 3 },
      {
        onChunk: (chunk) => chunks.push(chunk),
        timeoutMs: 30_000,
      },
    );
    expect(result).toEqual({ count: 3 });
    expect(chunks).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);

    const controller = new AbortController();
    const long = makeBackendRequest(
      transport!,
      "demo.progress",
      { steps: 1000, delayMs: 50 },
      {
        signal: controller.signal,
        onProgress: () => controller.abort(),
      },
    );
    await expect(long).rejects.toMatchObject({ code: "CANCELLED" });
    await expect(
      makeBackendRequest(transport!, "demo.fail", { message: "nope" }),
    ).rejects.toMatchObject({ code: "WORKER_ERROR", message: "nope" });
  });

  it("refuses the worker a forged cancel and the gateway a request queue", async () => {
    const refusedPublish = async (user: string, exchange: string) => {
      const connection = await connect(urlOf(user));
      connection.on("error", () => {});
      const channel = await connection.createConfirmChannel();
      channel.on("error", () => {});
      const outcome = await new Promise<string>((resolve) => {
        channel.once("close", () => resolve("closed"));
        channel.publish(exchange, "", Buffer.from("{}"), {}, (error) =>
          resolve(error ? "refused" : "accepted"),
        );
      });
      await connection.close().catch(() => {});
      return outcome;
    };
    expect(await refusedPublish(users.worker, "taskbridge.cancel")).not.toBe("accepted");

    const connection = await connect(urlOf(users.gateway));
    connection.on("error", () => {});
    const channel = await connection.createChannel();
    const closed = new Promise<string>((resolve) =>
      channel.once("error", (error: Error) => resolve(error.message)),
    );
    channel.consume("demo.echo", () => {}).catch(() => {});
    expect(await closed).toMatch(/ACCESS_REFUSED/);
    await connection.close().catch(() => {});
  });
});
