import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { fetchCatalog } from "./fetchCatalog.js";
import { runTypesCommand, type TypesCommandIo } from "./typesCommand.js";

export const USAGE = `Usage: taskbridge types --gateway <url> --out <file> [options]

Writes a TypeScript contract module from a gateway's live service catalog: the types of every
announced service, whatever language serves it, for createClient(transport, services).

Options:
  --gateway <url>       the gateway, e.g. http://localhost:8080 (or TASKBRIDGE_GATEWAY_URL)
  --out <file>          the module to write, e.g. src/services.generated.ts
  --catalog <file>      read a saved taskbridge.services answer instead of asking a gateway
  --check               write nothing; exit 1 when <file> is out of date (for CI)
  --token <token>       credential for the gateway's authenticate hook (or TASKBRIDGE_TOKEN)
  --include <pattern>   only types with this prefix or matching this glob (repeatable)
  --import-from <mod>   where the module imports defineTypedContract from (default @taskbridge/core)
  --timeout <ms>        how long to wait for the gateway (default 10000)
  --help                this text`;

/** The real files and streams. */
export const defaultCliIo: TypesCommandIo = {
  fetchCatalog,
  generate: async (services, options) =>
    (await import("./generateContractModule.js")).generateContractModule(services, options),
  readFile: (path) =>
    readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return undefined;
      throw error;
    }),
  writeFile: async (path, text) => {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text, "utf8");
  },
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
};

/**
 * The `taskbridge` command line (`npx taskbridge types …`, see `USAGE`): parses `argv` (without
 * `node` and the script) and runs the command, resolving with the exit code (2 for a usage
 * error). `bin/taskbridge.js` calls it; tests call it in-process with their own `io` and `env`.
 *
 * @example
 * process.exitCode = await runCli(["types", "--gateway", "http://localhost:8080", "--out", "src/services.ts"]);
 */
export const runCli = async (
  argv: readonly string[],
  io: TypesCommandIo = defaultCliIo,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<number> => {
  let parsed: ReturnType<typeof parse>;
  const parse = (args: string[]) =>
    parseArgs({
      args,
      allowPositionals: true,
      options: {
        gateway: { type: "string" },
        out: { type: "string" },
        catalog: { type: "string" },
        check: { type: "boolean", default: false },
        token: { type: "string" },
        include: { type: "string", multiple: true },
        "import-from": { type: "string" },
        timeout: { type: "string" },
        help: { type: "boolean", default: false },
      },
    });
  try {
    parsed = parse([...argv]);
  } catch (error) {
    io.stderr(`taskbridge: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (positionals[0] !== "types" || positionals.length > 1) {
    io.stderr(USAGE);
    return 2;
  }
  const gateway = values.gateway ?? env.TASKBRIDGE_GATEWAY_URL;
  const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout);
  if ((gateway === undefined && values.catalog === undefined) || values.out === undefined) {
    io.stderr(`taskbridge types: --gateway (or --catalog) and --out are required\n\n${USAGE}`);
    return 2;
  }
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) {
    io.stderr("taskbridge types: --timeout must be a positive whole number of milliseconds");
    return 2;
  }
  const token = values.token ?? env.TASKBRIDGE_TOKEN;
  return runTypesCommand(
    {
      ...(gateway === undefined ? {} : { gateway }),
      ...(values.catalog === undefined ? {} : { catalogFile: values.catalog }),
      out: values.out,
      check: values.check,
      include: (values.include ?? []).flatMap((pattern) => pattern.split(",")).filter(Boolean),
      ...(token === undefined ? {} : { token }),
      ...(values["import-from"] === undefined ? {} : { importFrom: values["import-from"] }),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    },
    io,
  );
};
