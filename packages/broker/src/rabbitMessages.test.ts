import { dirname, join } from "node:path";
import { toAmqpPublishOptions, toPublishFields } from "./rabbitMessages.js";
import type { PublishOptions } from "./types.js";

// amqplib's own encoder and its `Args.publish`: what `channel.publish` would write. They are
// CommonJS files its package `exports` do not list, so no `import` can name them: they are
// loaded by absolute path with `require`, which Jest (CommonJS via @swc/jest) provides.
const lib = join(dirname(require.resolve("amqplib")), "lib");
const defs = require(join(lib, "defs.js")) as {
  readonly BasicPublish: number;
  readonly BasicProperties: number;
  readonly encodeMethod: (method: number, channel: number, fields: object) => Buffer;
  readonly encodeProperties: (id: number, channel: number, size: number, fields: object) => Buffer;
};
const args = require(join(lib, "api_args.js")) as {
  readonly publish: (exchange: string, routingKey: string, options: object) => object;
};

const frames = (fields: object) => [
  defs.encodeMethod(defs.BasicPublish, 1, fields).toString("hex"),
  defs.encodeProperties(defs.BasicProperties, 1, 100, fields).toString("hex"),
];

describe("toPublishFields", () => {
  it("encodes to the very frames amqplib's publish writes", () => {
    const cases: PublishOptions[] = [
      {},
      { correlationId: "anon:s1:r1", contentType: "application/json" },
      {
        mandatory: true,
        contentType: "application/json",
        correlationId: "anon:s0123456789abcdefXYZ:r1",
        replyTo: "taskbridge.reply.gw-1",
        messageId: "0b9c6f4e-6a53-4a8e-9c2e-0f1f5d1a2b3c",
        expiration: "600000",
        headers: { "x-type": "demo.echo", "x-deadline": 1_795_310_899_192, "x-accept": "chunks" },
      },
      { headers: { "x-kind": "chunks", "x-seq": 40_000, "x-attempt": 2, "x-count": 3 } },
      { persistent: true },
      { persistent: false, headers: {} },
    ];
    for (const options of cases) {
      const ours = frames(toPublishFields("", "demo.echo", options));
      const amqplib = frames(args.publish("", "demo.echo", toAmqpPublishOptions(options)));
      expect({ options, frames: ours }).toEqual({ options, frames: amqplib });
    }
  });
});
