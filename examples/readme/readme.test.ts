import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createRabbitBroker } from "@taskbridge/broker";
import { runLiveStack } from "./liveStack.js";

const root = join(__dirname, "../..");
const AMQP_URL = process.env.AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672";

const exampleFiles = (dir: string): string[] =>
  readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? exampleFiles(join(dir, entry.name))
      : /\.(tsx?|py)$/.test(entry.name) && !/\.test\./.test(entry.name)
        ? [join(dir, entry.name)]
        : [],
  );

describe("README", () => {
  it("every TypeScript and Python block is a tested example file, quoted as it is", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const blocks = [...readme.matchAll(/```(ts|tsx|python)\n([\s\S]*?)```/g)].map((m) => m[2]!);
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    const sources = [
      ...exampleFiles("examples"),
      ...exampleFiles("workers/python/examples"),
      ...exampleFiles("stories/examples"),
    ].map((file) => readFileSync(join(root, file), "utf8"));
    const unquoted = blocks.filter(
      (block) => !sources.some((source) => source.includes(block.trim())),
    );
    expect(unquoted).toEqual([]);
  });

  it("the live-stack example runs on RabbitMQ", async () => {
    const { result, lines } = await runLiveStack({
      url: AMQP_URL,
      authenticate: ({ token }) => (token === "alice-token" ? { principal: "alice" } : false),
    });
    expect(result).toEqual({ pages: 1 });
    expect(lines).toEqual(["rendered coffee", "rendered tea"]);
    const admin = createRabbitBroker({ url: AMQP_URL });
    await admin.deleteQueue("invoice.render");
    await admin.close();
  });
});
