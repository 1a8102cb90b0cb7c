import type { CatalogService, GenerateOptions } from "./generateContractModule.js";

export type TypesCommandOptions = {
  /** The gateway's origin, e.g. `http://localhost:8080`. */
  readonly gateway?: string;
  /**
   * Instead of a gateway: a JSON file holding what `taskbridge.services` answered
   * (`{ services: [...] }`), for generating offline or in CI without running services.
   */
  readonly catalogFile?: string;
  /** The module to write (or, with `check`, to compare). */
  readonly out: string;
  /** Compare instead of writing: exit 1 with a summary when the file is out of date. */
  readonly check?: boolean;
  readonly token?: string;
  /** Only these types: a prefix (`reports.`) or a glob (`reports.*`, `*.export`); any may match. */
  readonly include?: readonly string[];
  /** Where the generated module imports `defineTypedContract` from. Default `taskbridge`. */
  readonly importFrom?: string;
  readonly timeoutMs?: number;
};

/** What the command touches outside itself, injected so tests run it in-process. */
export type TypesCommandIo = {
  readonly fetchCatalog: (options: {
    gateway: string;
    token?: string;
    timeoutMs?: number;
  }) => Promise<CatalogService[]>;
  /** `generateContractModule` (loaded lazily: Prettier, under it, cannot load inside Jest). */
  readonly generate: (services: CatalogService[], options: GenerateOptions) => Promise<string>;
  /** The file's text, or `undefined` when it does not exist. */
  readonly readFile: (path: string) => Promise<string | undefined>;
  readonly writeFile: (path: string, text: string) => Promise<void>;
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
};

const escapeRegExp = (text: string): string => text.replace(/[.+?^${}()|[\]\\]/g, "\\$&");

/** `reports.` matches by prefix; `reports.*` or `*.export` as a glob over the whole type. */
export const matchesInclude = (type: string, patterns: readonly string[]): boolean =>
  patterns.length === 0 ||
  patterns.some((pattern) =>
    pattern.includes("*")
      ? new RegExp(`^${pattern.split("*").map(escapeRegExp).join(".*")}$`).test(type)
      : type.startsWith(pattern),
  );

const typesIn = (text: string): string[] => {
  const start = text.indexOf("defineTypedContract<");
  if (start < 0) return [];
  return [...text.slice(start).matchAll(/^ {2}("(?:[^"\\]|\\.)*"): /gm)].map(
    (match) => JSON.parse(match[1] as string) as string,
  );
};

/** A few lines that say why two versions of the module differ. */
export const summarizeDifference = (current: string, next: string): string[] => {
  const before = new Set(typesIn(current));
  const after = new Set(typesIn(next));
  const added = [...after].filter((type) => !before.has(type));
  const removed = [...before].filter((type) => !after.has(type));
  const lines: string[] = [];
  if (added.length > 0) lines.push(`  new types: ${added.join(", ")}`);
  if (removed.length > 0) lines.push(`  types gone: ${removed.join(", ")}`);
  const a = current.split("\n");
  const b = next.split("\n");
  const first = a.findIndex((line, i) => line !== b[i]);
  const at = first < 0 ? Math.min(a.length, b.length) : first;
  lines.push(`  first difference at line ${at + 1}:`);
  lines.push(`  - ${a[at] ?? "(end of file)"}`);
  lines.push(`  + ${b[at] ?? "(end of file)"}`);
  return lines;
};

const isService = (value: unknown): value is CatalogService =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as { type?: unknown }).type === "string";

const readCatalog = async (
  options: TypesCommandOptions,
  io: TypesCommandIo,
): Promise<CatalogService[]> => {
  if (options.catalogFile !== undefined) {
    const text = await io.readFile(options.catalogFile);
    if (text === undefined) throw new Error("no such file");
    const parsed: unknown = JSON.parse(text);
    const list = Array.isArray(parsed) ? parsed : (parsed as { services?: unknown })?.services;
    if (!Array.isArray(list)) throw new Error("expected { services: [...] }");
    return list.filter(isService);
  }
  if (options.gateway === undefined) throw new Error("no --gateway given");
  return io.fetchCatalog({
    gateway: options.gateway,
    ...(options.token === undefined ? {} : { token: options.token }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
};

/**
 * `taskbridge types`: fetches the gateway's live catalog (`taskbridge.services`), keeps the
 * included types, and writes the TypeScript contract module `generateContractModule` makes of
 * it; with `check`, writes nothing and fails (1) when the file differs, saying how, so a
 * project's CI notices a service whose schema changed. Resolves with the exit code: 0 done or
 * up to date, 1 out of date, 2 the gateway could not be asked or nothing matched.
 *
 * @example
 * const code = await runTypesCommand({ gateway: "http://localhost:8080", out: "src/services.ts" }, io);
 */
export const runTypesCommand = async (
  options: TypesCommandOptions,
  io: TypesCommandIo,
): Promise<number> => {
  const source = options.catalogFile ?? options.gateway ?? "(no gateway)";
  let catalog: CatalogService[];
  try {
    catalog = await readCatalog(options, io);
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    const reason = [code, message ?? String(error)].filter(Boolean).join(" ");
    io.stderr(`taskbridge types: could not read the catalog of ${source}: ${reason}`);
    return 2;
  }
  const include = options.include ?? [];
  const services = catalog.filter(
    (service) => !service.type.startsWith("taskbridge.") && matchesInclude(service.type, include),
  );
  if (services.length === 0) {
    io.stderr(
      `taskbridge types: the catalog of ${source} has no ${include.length > 0 ? `type matching ${include.join(", ")}` : "types"}: are the workers running?`,
    );
    return 2;
  }
  const text = await io.generate(services, {
    ...(options.importFrom === undefined ? {} : { importFrom: options.importFrom }),
  });
  const current = await io.readFile(options.out);
  if (options.check) {
    if (current === text) {
      io.stdout(`${options.out} is up to date (${services.length} types)`);
      return 0;
    }
    io.stderr(
      current === undefined
        ? `${options.out} does not exist: run taskbridge types without --check`
        : `${options.out} is out of date with the catalog of ${source}:`,
    );
    if (current !== undefined)
      for (const line of summarizeDifference(current, text)) io.stderr(line);
    return 1;
  }
  if (current !== text) await io.writeFile(options.out, text);
  io.stdout(
    `${current === text ? "unchanged" : "wrote"} ${options.out}: ${services.map((s) => s.type).join(", ")}`,
  );
  return 0;
};
