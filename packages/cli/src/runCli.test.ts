import type { CatalogService } from "./generateContractModule.js";
import { runCli } from "./runCli.js";
import type { TypesCommandIo } from "./typesCommand.js";

const report: CatalogService = {
  type: "py.report",
  description: "Builds a report",
  version: "1",
  payloadSchema: {
    type: "object",
    properties: { month: { type: "string" } },
    required: ["month"],
  },
  resultSchema: { type: "object", properties: { url: { type: "string" } }, required: ["url"] },
};
const greet: CatalogService = {
  type: "ts.greet",
  payloadSchema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
  resultSchema: { type: "string" },
};

/** Files in a map, output in arrays, the catalog given: the CLI with nothing real around it. */
const fakeIo = (catalog: CatalogService[] | Error, files: Record<string, string> = {}) => {
  const out: string[] = [];
  const err: string[] = [];
  const asked: unknown[] = [];
  const io: TypesCommandIo = {
    fetchCatalog: async (options) => {
      asked.push(options);
      if (catalog instanceof Error) throw catalog;
      return catalog;
    },
    // The real generator needs Prettier, which cannot load inside Jest; a stand-in that writes
    // the same outline (generateContractModule.test.ts runs the real one in a process).
    generate: async (services, options) =>
      [
        `import { defineTypedContract } from "${options.importFrom ?? "@taskbridge/core"}";`,
        `export const services = defineTypedContract<TaskbridgeServices>({`,
        ...services.map((s) => `  ${JSON.stringify(s.type)}: ${JSON.stringify(s.payloadSchema)},`),
        "});",
        "",
      ].join("\n"),
    readFile: async (path) => files[path],
    writeFile: async (path, text) => {
      files[path] = text;
    },
    stdout: (line) => out.push(line),
    stderr: (line) => err.push(line),
  };
  return { io, files, out, err, asked };
};

const types = (...rest: string[]) => ["types", "--gateway", "http://gw:8080", ...rest];

describe("taskbridge types", () => {
  it("writes the module, then leaves it alone while the catalog stays the same", async () => {
    const run = fakeIo([report, greet]);
    expect(await runCli(types("--out", "src/services.ts", "--token", "t0k"), run.io, {})).toBe(0);
    expect(run.asked).toEqual([{ gateway: "http://gw:8080", token: "t0k" }]);
    const text = run.files["src/services.ts"];
    expect(text).toContain('"py.report": {');
    expect(text).toContain('import { defineTypedContract } from "@taskbridge/core";');
    expect(run.out).toEqual(["wrote src/services.ts: py.report, ts.greet"]);

    expect(await runCli(types("--out", "src/services.ts"), run.io, {})).toBe(0);
    expect(run.out[1]).toBe("unchanged src/services.ts: py.report, ts.greet");
    expect(run.files["src/services.ts"]).toBe(text);
  });

  it("--check passes when the file is what it would write, and fails (1) saying how it differs", async () => {
    const first = fakeIo([report]);
    await runCli(types("--out", "s.ts"), first.io, {});
    const upToDate = fakeIo([report], { ...first.files });
    expect(await runCli(types("--out", "s.ts", "--check"), upToDate.io, {})).toBe(0);
    expect(upToDate.out).toEqual(["s.ts is up to date (1 types)"]);

    const changed = fakeIo(
      [
        {
          ...report,
          payloadSchema: { type: "object", properties: { month: { type: "integer" } } },
        },
        greet,
      ],
      { ...first.files },
    );
    expect(await runCli(types("--out", "s.ts", "--check"), changed.io, {})).toBe(1);
    expect(changed.files["s.ts"]).toBe(first.files["s.ts"]);
    expect(changed.err[0]).toBe("s.ts is out of date with the catalog of http://gw:8080:");
    expect(changed.err).toContain("  new types: ts.greet");
    expect(changed.err.join("\n")).toMatch(/first difference at line \d+:\n {2}- .*\n {2}\+ /);

    const missing = fakeIo([report]);
    expect(await runCli(types("--out", "none.ts", "--check"), missing.io, {})).toBe(1);
    expect(missing.err[0]).toBe("none.ts does not exist: run taskbridge types without --check");
  });

  it("--include keeps types by prefix or glob; the gateway and token may come from the environment", async () => {
    const run = fakeIo([report, greet, { type: "py.other" }]);
    const env = { TASKBRIDGE_GATEWAY_URL: "http://env:1", TASKBRIDGE_TOKEN: "secret" };
    expect(await runCli(["types", "--out", "a.ts", "--include", "ts."], run.io, env)).toBe(0);
    expect(run.out).toEqual(["wrote a.ts: ts.greet"]);
    expect(run.asked).toEqual([{ gateway: "http://env:1", token: "secret" }]);
    await runCli(["types", "--out", "b.ts", "--include", "*.report,*.greet"], run.io, env);
    expect(run.out[1]).toBe("wrote b.ts: py.report, ts.greet");
    expect(await runCli(["types", "--out", "c.ts", "--include", "nope."], run.io, env)).toBe(2);
    expect(run.err).toEqual([
      "taskbridge types: the catalog of http://env:1 has no type matching nope.: are the workers running?",
    ]);
  });

  it("--catalog reads a saved taskbridge.services answer instead of asking a gateway", async () => {
    const run = fakeIo(new Error("no gateway here"), {
      "catalog.json": JSON.stringify({ services: [greet, { type: 42 }] }),
      "bad.json": "[",
    });
    expect(await runCli(["types", "--catalog", "catalog.json", "--out", "g.ts"], run.io, {})).toBe(
      0,
    );
    expect(run.out).toEqual(["wrote g.ts: ts.greet"]);
    expect(run.asked).toEqual([]);
    expect(await runCli(["types", "--catalog", "bad.json", "--out", "g.ts"], run.io, {})).toBe(2);
    expect(await runCli(["types", "--catalog", "gone.json", "--out", "g.ts"], run.io, {})).toBe(2);
    expect(run.err[1]).toBe(
      "taskbridge types: could not read the catalog of gone.json: no such file",
    );
  });

  it("exits 2 on usage errors and when the gateway cannot be asked", async () => {
    const run = fakeIo([report]);
    expect(await runCli(["types", "--out", "x.ts"], run.io, {})).toBe(2);
    expect(run.err[0]).toMatch(/--gateway \(or --catalog\) and --out are required/);
    expect(await runCli(["generate"], run.io, {})).toBe(2);
    expect(await runCli(types("--out", "x.ts", "--bogus"), run.io, {})).toBe(2);
    expect(await runCli(types("--out", "x.ts", "--timeout", "soon"), run.io, {})).toBe(2);
    expect(await runCli(["--help"], run.io, {})).toBe(0);
    expect(run.out[0]).toMatch(/^Usage: taskbridge types --gateway <url> --out <file>/);

    const down = fakeIo(Object.assign(new Error("no reply"), { code: "TIMEOUT" }));
    expect(await runCli(types("--out", "x.ts", "--timeout", "500"), down.io, {})).toBe(2);
    expect(down.asked).toEqual([{ gateway: "http://gw:8080", timeoutMs: 500 }]);
    expect(down.err).toEqual([
      "taskbridge types: could not read the catalog of http://gw:8080: TIMEOUT no reply",
    ]);
    expect(down.files).toEqual({});
  });
});
