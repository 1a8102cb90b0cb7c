import { makeBackendRequest } from "@taskbridge/core";
import { createSocketIoTransport } from "@taskbridge/core/socket-io";
import {
  createGateway,
  createRabbitBroker,
  definePlugin,
  type GatewayOptions,
} from "@taskbridge/gateway";
import { defineHandlers, type HandlerContext, registerHandlers } from "@taskbridge/worker";

// A worker's handlers: the same objects the memory transport runs in Storybook and tests.
const handlers = defineHandlers({
  "invoice.render": async ({ lines }: { lines: string[] }, ctx: HandlerContext<string>) => {
    for (const [index, line] of lines.entries()) {
      ctx.emit(`rendered ${line}`);
      ctx.progress(index + 1, lines.length);
    }
    return { pages: Math.ceil(lines.length / 40) };
  },
});

// A gateway plugin: only signed-in users may render invoices, within 2 minutes.
const invoices = definePlugin({
  name: "invoices",
  match: /^invoice\./,
  authorize: (ctx) => ctx.principal !== "anon",
  timeoutMs: 120_000,
});

export async function runLiveStack(options: {
  url: string; // RabbitMQ, e.g. amqp://guest:guest@127.0.0.1:5672
  authenticate: GatewayOptions["authenticate"];
}) {
  const worker = await registerHandlers({ url: options.url, handlers });
  const broker = createRabbitBroker({ url: options.url });
  const gateway = await createGateway({
    broker,
    port: 0,
    plugins: [invoices],
    authenticate: options.authenticate,
  });

  // The browser side: one transport per page, shared by every request.
  const transport = createSocketIoTransport({
    url: `http://127.0.0.1:${gateway.port}`,
    token: "alice-token",
  });
  const lines: string[] = [];
  const result = await makeBackendRequest<{ pages: number }, string>(
    transport,
    "invoice.render",
    { lines: ["coffee", "tea"] },
    { onChunk: (line) => lines.push(line) },
  );

  await transport.close();
  await gateway.close();
  await broker.close();
  await worker.close();
  return { result, lines };
}
