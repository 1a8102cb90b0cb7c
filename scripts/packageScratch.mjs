// Shared by scripts/verify-packages.mjs and bench/packageSize.mjs: build and pack the workspace
// packages, install the tarballs (never workspace links) into scratch projects under os.tmpdir(),
// and the small browser app both of them build with Vite. Plain Node ESM, no TypeScript loader.
import { spawn } from "node:child_process";
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

export const root = resolve(fileURLToPath(new URL("..", import.meta.url)));

const rootManifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

/**
 * The browser toolchain of the scratch apps, at the versions the repository itself uses (the
 * root package.json devDependencies), so the check follows an upgrade without being edited.
 */
export const BROWSER_VERSIONS = Object.fromEntries(
  ["react", "react-dom", "@types/react", "@types/react-dom", "vite", "typescript"].map((name) => {
    const version = rootManifest.devDependencies?.[name];
    if (typeof version !== "string") throw new Error(`root package.json lacks ${name}`);
    return [name, version];
  }),
);

/** Flags for every install: the cache first, no audit or funding chatter. */
export const NPM_INSTALL_FLAGS = [
  "--prefer-offline",
  "--no-audit",
  "--no-fund",
  "--loglevel=error",
];

/**
 * The environment for commands run in a scratch project: ours without the `npm_*` variables an
 * enclosing `npm run` sets (its prefix, its package), so the scratch project stands alone, and
 * without NODE_OPTIONS, so no loader (tsx) can sneak into the "plain node" runs.
 */
export const scratchEnv = (extra = {}) => ({
  ...Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^npm_/i.test(key) && key !== "INIT_CWD" && key !== "NODE_OPTIONS",
    ),
  ),
  ...extra,
});

/**
 * Runs a command to completion and resolves with its exit code and output (stdout and stderr
 * separately and interleaved); never rejects for a non-zero exit — see `runOk`. With a `cwd` (a
 * scratch project) it runs in `scratchEnv`; with `timeoutMs` it is killed (exit 1) past it.
 *
 * @example
 * const { code, output } = await run("npm", ["pack", "--json"]);
 */
export const run = (command, args, options = {}) =>
  new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? root,
      env: options.cwd === undefined ? { ...process.env, ...options.env } : scratchEnv(options.env),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let output = "";
    child.stdout.on("data", (data) => {
      stdout += data;
      output += data;
    });
    child.stderr.on("data", (data) => {
      stderr += data;
      output += data;
    });
    // With `timeoutMs`, a command that hangs (say, on a RabbitMQ that is down) is killed.
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            output += `\n[killed after ${options.timeoutMs} ms]`;
            child.kill("SIGKILL");
          }, options.timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? 1, signal, stdout, stderr, output });
    });
  });

/** `run`, but rejects with the command and its output when it exits non-zero. */
export const runOk = async (command, args, options = {}) => {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(
      `\`${[command, ...args].join(" ")}\` exited ${result.code}:\n${result.output.trim()}`,
    );
  }
  return result;
};

/** A fresh directory under os.tmpdir(), outside the repository (no workspace, no .npmrc). */
export const scratchDir = (label) => mkdtempSync(join(tmpdir(), `taskbridge-${label}-`));

/** Milliseconds since `start`, rounded, for the summary lines. */
export const since = (start) => Math.round(performance.now() - start);

/**
 * `npm run build` at the root, then `npm pack --workspaces` into `packDir`. Resolves with one
 * entry per package: its name, the tarball's absolute path, integrity and file list.
 */
export const buildAndPack = async (packDir) => {
  await runOk("npm", ["run", "build"]);
  const { stdout } = await runOk("npm", [
    "pack",
    "--workspaces",
    "--pack-destination",
    packDir,
    "--json",
  ]);
  const packs = JSON.parse(stdout).map((entry) => ({
    name: entry.name,
    version: entry.version,
    tarball: join(packDir, entry.filename),
    integrity: entry.integrity,
    unpackedSize: entry.unpackedSize,
    size: entry.size,
    files: entry.files.map((file) => file.path),
  }));
  return new Map(packs.map((pack) => [pack.name, pack]));
};

/**
 * Writes `dir/package.json` depending on the given @taskbridge tarballs (`file:` specs) plus
 * `dependencies`/`devDependencies` from the registry, with every packed @taskbridge package
 * pinned to its tarball by `overrides` (so a package's own dependency on, say,
 * `@taskbridge/core@0.2.0` can never be fetched from the registry), then runs one `npm install`.
 */
export const installScratch = async (
  dir,
  { packs, taskbridge, dependencies = {}, devDependencies = {} },
) => {
  const fileSpec = (name) => {
    const pack = packs.get(name);
    if (pack === undefined) throw new Error(`no tarball for ${name}`);
    return `file:${pack.tarball}`;
  };
  const manifest = {
    name: `taskbridge-scratch-${dir.split("-").pop()?.toLowerCase()}`,
    version: "0.0.0",
    private: true,
    type: "module",
    dependencies: {
      ...Object.fromEntries(taskbridge.map((name) => [name, fileSpec(name)])),
      ...dependencies,
    },
    devDependencies,
    overrides: Object.fromEntries([...packs.keys()].map((name) => [name, fileSpec(name)])),
  };
  writeFileSync(join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  await runOk("npm", ["install", ...NPM_INSTALL_FLAGS], { cwd: dir });
};

/**
 * Checks that every @taskbridge package installed in `dir` is a real directory (not a link into
 * the workspace) whose lockfile entry was resolved from our tarball with the tarball's own
 * integrity, and that each of `expected` is among them. Returns the problems found (none: ok).
 */
export const checkFromTarballs = (dir, packs, expected) => {
  const problems = [];
  const lock = JSON.parse(readFileSync(join(dir, "package-lock.json"), "utf8"));
  const seen = new Set();
  for (const [key, entry] of Object.entries(lock.packages ?? {})) {
    const match = /(?:^|\/)node_modules\/(@taskbridge\/[^/]+)$/.exec(key);
    if (match === null) continue;
    const name = match[1];
    seen.add(name);
    const pack = packs.get(name);
    if (pack === undefined) {
      problems.push(`${key}: not one of the packed packages`);
      continue;
    }
    const resolved = typeof entry.resolved === "string" ? entry.resolved : "";
    if (!resolved.startsWith("file:") || resolve(dir, resolved.slice(5)) !== pack.tarball) {
      problems.push(`${key}: resolved from ${resolved || "(nothing)"}, not ${pack.tarball}`);
    }
    if (entry.integrity !== pack.integrity)
      problems.push(`${key}: integrity differs from the tarball`);
    if (entry.link === true || lstatSync(join(dir, key)).isSymbolicLink()) {
      problems.push(`${key}: a symbolic link, not an installed tarball`);
    }
  }
  for (const name of expected) if (!seen.has(name)) problems.push(`${name}: not installed`);
  return problems;
};

/** Total size in bytes of the files under `path` (symbolic links are not followed). */
export const directorySize = (path) => {
  const stat = lstatSync(path);
  if (!stat.isDirectory()) return stat.isSymbolicLink() ? 0 : stat.size;
  let total = 0;
  for (const entry of readdirSync(path)) total += directorySize(join(path, entry));
  return total;
};

/** Every file under `dir` whose name ends in one of `extensions`, as absolute paths. */
export const listFiles = (dir, extensions) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && extensions.some((ext) => entry.name.endsWith(ext)))
    .map((entry) => join(entry.parentPath, entry.name));

/** Raw and gzip (zlib level 6, what Vite's own report uses) bytes of the given files, summed. */
export const gzipSizes = (files) => {
  let raw = 0;
  let gzip = 0;
  for (const file of files) {
    const content = readFileSync(file);
    raw += content.length;
    gzip += gzipSync(content, { level: 6 }).length;
  }
  return { raw, gzip };
};

// --- The browser app -------------------------------------------------------------------------

/** The two app variants: the memory transport (browser-only) and the live Socket.IO transport. */
export const BROWSER_APPS = ["memory", "socket-io"];

const APP_FILES = {
  "tsconfig.json": `${JSON.stringify(
    {
      compilerOptions: {
        target: "ES2022",
        lib: ["ES2022", "DOM", "DOM.Iterable"],
        module: "ESNext",
        moduleResolution: "bundler",
        jsx: "react-jsx",
        strict: true,
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        skipLibCheck: true,
        isolatedModules: true,
        verbatimModuleSyntax: true,
        noEmit: true,
        // Declares `*.css` side-effect imports, as a Vite app template does.
        types: ["vite/client"],
      },
      include: ["src"],
    },
    null,
    2,
  )}\n`,
  // TB_APP picks the variant and TB_OUT names its output folder under dist/ (default: TB_APP);
  // TB_EXTERNAL lists packages (comma-separated) left out of the bundle, as the size bench does.
  "vite.config.mjs": `import { defineConfig } from "vite";

const app = process.env.TB_APP ?? "memory";
const external = (process.env.TB_EXTERNAL ?? "").split(",").filter((name) => name !== "");

export default defineConfig({
  build: {
    outDir: \`dist/\${process.env.TB_OUT ?? app}\`,
    emptyOutDir: true,
    sourcemap: false,
    rolldownOptions: {
      input: \`\${app}.html\`,
      external: (id) => external.some((name) => id === name || id.startsWith(\`\${name}/\`)),
    },
  },
});
`,
  "src/Demo.tsx": `import type { Transport } from "@taskbridge/core";
import {
  BackendProvider,
  ProgressPanel,
  RequestButton,
  StreamingLog,
  useBackendRequest,
} from "@taskbridge/react";
import "@taskbridge/react/taskbridge.css";

type CountPayload = { readonly n: number; readonly delayMs?: number };
type CountChunk = { readonly i: number };

function CountPage() {
  // One request drives all three components.
  const count = useBackendRequest<CountPayload, CountChunk, { count: number }>("demo.count");
  return (
    <section aria-label="Count">
      <RequestButton request={count} payload={{ n: 5, delayMs: 100 }} cancelable>
        Count to five
      </RequestButton>
      <ProgressPanel request={count} label="Count progress" />
      <StreamingLog request={count} label="Count log" renderChunk={(chunk) => \`#\${chunk.i}\`} />
      <ProgressPanel type="demo.progress" payload={{ steps: 4, delayMs: 100 }} label="Steps" />
    </section>
  );
}

export function Demo({ transport }: { readonly transport: Transport }) {
  return (
    <BackendProvider transport={transport}>
      <CountPage />
    </BackendProvider>
  );
}
`,
  "src/mount.tsx": `import type { Transport } from "@taskbridge/core";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { Demo } from "./Demo";

export const mount = (transport: Transport): void => {
  const container = document.getElementById("root");
  if (container === null) throw new Error("no #root element");
  createRoot(container).render(
    <StrictMode>
      <Demo transport={transport} />
    </StrictMode>,
  );
};
`,
  "src/memory.tsx": `import { createMemoryTransport } from "@taskbridge/core";
import { referenceHandlers } from "@taskbridge/core/reference";
import { mount } from "./mount";

mount(createMemoryTransport({ handlers: referenceHandlers }));
`,
  "src/socket-io.tsx": `import { createSocketIoTransport } from "@taskbridge/core/socket-io";
import { mount } from "./mount";

// The gateway on the page's own origin.
mount(createSocketIoTransport());
`,
};

const html = (app) => `<!doctype html>
<html lang="en">
  <head><meta charset="UTF-8" /><title>taskbridge ${app}</title></head>
  <body>
    <div id="root"></div>
    <script type="module" src="/src/${app}.tsx"></script>
  </body>
</html>
`;

/** Writes the browser app (both variants, tsconfig, vite.config.mjs) into the scratch `dir`. */
export const writeBrowserApp = (dir) => {
  mkdirSync(join(dir, "src"), { recursive: true });
  for (const [name, content] of Object.entries(APP_FILES)) writeFileSync(join(dir, name), content);
  for (const app of BROWSER_APPS) writeFileSync(join(dir, `${app}.html`), html(app));
};

/**
 * `vite build` of one app variant in `dir` into `dist/<out>`; resolves with Vite's output and
 * the output directory. The packages named in `external` (and their subpaths) stay out of the
 * bundle, as bare imports.
 *
 * @example
 * const { outDir } = await viteBuild(dir, "memory", { external: ["react", "react-dom"], out: "memory-no-react" });
 */
export const viteBuild = async (dir, app, { external = [], out = app } = {}) => {
  const result = await runOk(join(dir, "node_modules", ".bin", "vite"), ["build"], {
    cwd: dir,
    env: { TB_APP: app, TB_OUT: out, TB_EXTERNAL: external.join(","), NO_COLOR: "1" },
  });
  return { output: result.output, outDir: join(dir, "dist", out) };
};
