import { spawn } from "node:child_process";
import { createRabbitBroker, deadQueueName, replyQueueName } from "@taskbridge/broker";
import { randomId, silentLogger } from "@taskbridge/core/protocol";

// `npm run gateway` is `bun packages/gateway/src/main.ts`: start it on the shared RabbitMQ with a unique id,
// wait for the ready line, check /healthz, then SIGTERM must drain and exit 0 (docs/protocol.md §9).
describe("packages/gateway/src/main.ts", () => {
  let afterCleanup = async (): Promise<void> => {};
  afterEach(() => afterCleanup());

  it("prints one ready line, serves /healthz, and exits 0 on SIGTERM", async () => {
    const gatewayId = `t-main-${randomId(8)}`;
    const child = spawn("node_modules/.bin/bun", ["packages/gateway/src/main.ts"], {
      env: { ...process.env, PORT: "0", HOST: "127.0.0.1", TASKBRIDGE_GATEWAY_ID: gatewayId },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<number | null>((resolve) =>
      child.once("exit", (code) => resolve(code)),
    );
    let output = "";
    // A failed expectation must not leave the gateway running (and Jest waiting for it).
    afterCleanup = async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    };
    const url = await new Promise<string>((resolve, reject) => {
      const onData = (data: Buffer) => {
        output += data.toString();
        const match = /gateway listening on (http:\/\/\S+)/.exec(output);
        if (match?.[1]) resolve(match[1]);
      };
      child.stdout.on("data", onData);
      child.stderr.on("data", onData);
      child.once("exit", () => reject(new Error(`gateway exited early:\n${output}`)));
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    const admin = createRabbitBroker({ logger: silentLogger });
    await admin.deleteQueue(replyQueueName(gatewayId)).catch(() => undefined);
    await admin.deleteQueue(deadQueueName(gatewayId)).catch(() => undefined);
    await admin.close();
  });
});
