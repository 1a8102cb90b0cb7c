#!/usr/bin/env node
// `npm run test:packages`: proves the packages work as a user gets them — from the packed
// tarballs, not from workspace links. Builds and packs every package, checks what each tarball
// ships, installs the tarballs into scratch projects under os.tmpdir() and:
//   - Node: starts the gateway and worker bins with plain `node` on the RabbitMQ at AMQP_URL
//     (default amqp://guest:guest@127.0.0.1:5672) and streams `demo.count` through them from a
//     plain-node client;
//   - browser: type-checks a Vite + React app with strict settings, builds it, and checks that the
//     bundle holds no server library, no socket.io-client in the memory-only app, no `node:` import;
//   - publint and attw on every package.
// Prints one PASS/FAIL line per check and exits 1 if any failed.
//
//   node scripts/verify-packages.mjs          run everything, remove the scratch directories
//   node scripts/verify-packages.mjs --keep   keep them (their paths are printed) to look inside
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BROWSER_VERSIONS,
  buildAndPack,
  checkFromTarballs,
  installScratch,
  listFiles,
  root,
  run,
  runOk,
  scratchDir,
  scratchEnv,
  since,
  viteBuild,
  writeBrowserApp,
} from "./packageScratch.mjs";

const keep = process.argv.includes("--keep");
const AMQP_URL = process.env.AMQP_URL || "amqp://guest:guest@127.0.0.1:5672";
const READY_TIMEOUT_MS = 60_000;
const started = performance.now();
const results = [];
const dirs = [];

const newScratch = (label) => {
  const dir = scratchDir(label);
  dirs.push(dir);
  return dir;
};

/**
 * Runs one named check and prints its PASS/FAIL line. `fn` returns a short detail for the line,
 * or throws (the message is printed under the line). Resolves true when it passed.
 */
const check = async (name, fn) => {
  const start = performance.now();
  try {
    const detail = await fn();
    const seconds = (since(start) / 1000).toFixed(1);
    console.log(`PASS ${name} (${seconds} s)${detail ? ` — ${detail}` : ""}`);
    results.push({ name, ok: true });
    return true;
  } catch (error) {
    const seconds = (since(start) / 1000).toFixed(1);
    const message = error instanceof Error ? error.message : String(error);
    console.log(`FAIL ${name} (${seconds} s)\n${message.replace(/^/gm, "     ")}`);
    results.push({ name, ok: false });
    return false;
  }
};

const fail = (problems) => {
  if (problems.length > 0) throw new Error(problems.join("\n"));
};

// --- 1. What each tarball ships ----------------------------------------------------------------

const FORBIDDEN_PATHS = [
  [/\.test\./, "a test"],
  [/\.typetest\./, "a type test"],
  [/\.stories\./, "a story"],
  [
    /(^|\/)(src|test|tests|__tests__|fixtures?|__fixtures__|bench|docs|stories)\//,
    "a source/test/doc folder",
  ],
  [/\.tsbuildinfo$/, "a build info file"],
];

const allowedPath = (name, path) =>
  path === "package.json" ||
  path === "README.md" ||
  path === "LICENSE" ||
  (path.startsWith("dist/") && !path.endsWith(".md")) ||
  (name === "@taskbridge/react" && path === "taskbridge.css");

/** Every file a manifest points at: main, types, bin and the exports targets. */
const manifestTargets = (manifest) => {
  const targets = [manifest.main, manifest.types];
  const walk = (value) => {
    if (typeof value === "string") targets.push(value);
    else if (value !== null && typeof value === "object") Object.values(value).forEach(walk);
  };
  walk(manifest.exports);
  walk(manifest.bin);
  return targets.filter((target) => typeof target === "string").map((t) => t.replace(/^\.\//, ""));
};

/** Bare package names a built file imports (static, re-export or dynamic), `node:` left out. */
const importedPackages = (code) => {
  const names = new Set();
  const patterns = [
    // `import … from "x"` / `export … from "x"` at the start of a line, as tsc writes them.
    /^\s*(?:import|export)\s[^;"'`]*?\bfrom\s*["']([^"']+)["']/gm,
    /^\s*import\s*["']([^"']+)["']/gm,
    /\bimport\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const pattern of patterns) {
    for (const [, specifier] of code.matchAll(pattern)) {
      if (specifier.startsWith(".") || specifier.startsWith("node:")) continue;
      const parts = specifier.split("/");
      names.add(specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]);
    }
  }
  return names;
};

const checkTarball = async (pack, unpackRoot) => {
  const problems = [];
  for (const path of pack.files) {
    if (!allowedPath(pack.name, path))
      problems.push(`${path}: not dist/, README.md, LICENSE or package.json`);
    for (const [pattern, what] of FORBIDDEN_PATHS) {
      if (pattern.test(path)) problems.push(`${path}: ${what}`);
    }
  }
  for (const required of ["package.json", "README.md", "LICENSE"]) {
    if (!pack.files.includes(required)) problems.push(`${required} missing`);
  }
  const dir = join(unpackRoot, pack.name.replace("/", "+"));
  mkdirSync(dir, { recursive: true });
  await runOk("tar", ["-xzf", pack.tarball, "-C", dir, "--strip-components=1"]);
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  for (const target of manifestTargets(manifest)) {
    if (!pack.files.includes(target))
      problems.push(`package.json points at ${target}, not shipped`);
  }
  // src/ is not shipped, so a source map is only useful if it carries its sources.
  for (const map of pack.files.filter((path) => path.endsWith(".map"))) {
    const parsed = JSON.parse(readFileSync(join(dir, map), "utf8"));
    if (!Array.isArray(parsed.sourcesContent)) problems.push(`${map}: no sourcesContent`);
  }
  // Every runtime import is a declared dependency, and every dependency is imported.
  const imported = new Set();
  for (const file of pack.files.filter((path) => /\.(m?js)$/.test(path))) {
    for (const name of importedPackages(readFileSync(join(dir, file), "utf8"))) imported.add(name);
  }
  const declared = { ...manifest.dependencies, ...manifest.peerDependencies };
  for (const name of imported) {
    if (!(name in declared))
      problems.push(`dist imports ${name}, which package.json does not declare`);
  }
  for (const name of Object.keys(manifest.dependencies ?? {})) {
    if (!imported.has(name)) problems.push(`depends on ${name}, which dist never imports`);
  }
  fail(problems.map((problem) => `${pack.name}: ${problem}`));
  return `${pack.files.length} files, ${(pack.size / 1024).toFixed(1)} kB packed`;
};

// --- 2. Node project: gateway and worker bins with plain node, a plain-node client -------------

const CLIENT = `// Plain node, no loader: the Socket.IO transport from the tarball against the gateway bin.
import { fetchServices, makeBackendRequest } from "@taskbridge/core";
import { createSocketIoTransport } from "@taskbridge/core/socket-io";

const [url, workerId] = process.argv.slice(2);
const transport = createSocketIoTransport({ url });
try {
  // The worker announces itself to the gateway's catalog shortly after its ready line.
  const deadline = Date.now() + 20_000;
  for (;;) {
    const services = await fetchServices(transport, { timeoutMs: 5_000 });
    const count = services.find((service) => service.type === "demo.count");
    if (count?.workers.some((worker) => worker.id === workerId)) break;
    if (Date.now() > deadline) {
      throw new Error(\`worker \${workerId} never appeared in the catalog: \${JSON.stringify(services)}\`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const chunks = [];
  const result = await makeBackendRequest(transport, "demo.count", { n: 5, delayMs: 20 }, {
    onChunk: (chunk) => chunks.push(chunk),
    timeoutMs: 30_000,
  });
  const expected = [0, 1, 2, 3, 4].map((i) => ({ i }));
  if (JSON.stringify(chunks) !== JSON.stringify(expected)) {
    throw new Error(\`chunks \${JSON.stringify(chunks)}, expected \${JSON.stringify(expected)}\`);
  }
  if (JSON.stringify(result) !== JSON.stringify({ count: 5 })) {
    throw new Error(\`result \${JSON.stringify(result)}, expected {"count":5}\`);
  }
  console.log(\`client ok: \${chunks.length} chunks in order, result \${JSON.stringify(result)}\`);
} finally {
  await transport.close();
}
`;

// The gateway's reply and dead-letter queues are durable (they outlive a restart, expiring after
// 60 s unused); delete them as gateway/src/main.test.ts does. The worker's control queue is
// exclusive and goes with its connection; the request queues are the shared `demo.*` ones.
const CLEANUP = `import { createRabbitBroker, deadQueueName, replyQueueName } from "@taskbridge/broker";
import { silentLogger } from "@taskbridge/core/protocol";

const [url, gatewayId] = process.argv.slice(2);
const broker = createRabbitBroker({ url, logger: silentLogger });
try {
  for (const queue of [replyQueueName(gatewayId), deadQueueName(gatewayId)]) {
    await broker.deleteQueue(queue);
  }
} finally {
  await broker.close();
}
`;

/**
 * Starts a bin of the scratch project (`node_modules/.bin/<bin>`, run through its
 * `#!/usr/bin/env node` line: plain node) and watches its output for `readyPattern`.
 */
const startBin = (dir, bin, env, readyPattern) => {
  const child = spawn(join(dir, "node_modules", ".bin", bin), [], {
    cwd: dir,
    env: scratchEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${bin} printed no ready line in ${READY_TIMEOUT_MS} ms:\n${output}`)),
      READY_TIMEOUT_MS,
    );
    const onData = (data) => {
      output += data;
      const match = readyPattern.exec(output);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${bin} exited before ready (code ${code}, signal ${signal}):\n${output}`));
    });
  });
  ready.catch(() => {});
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    }
    return exited;
  };
  return { ready, stop, output: () => output };
};

const runNodeProject = async (dir, packs) => {
  const installed = await check(
    "node project: npm install core, broker, gateway, worker tarballs",
    async () => {
      const start = performance.now();
      await installScratch(dir, {
        packs,
        taskbridge: [
          "@taskbridge/core",
          "@taskbridge/broker",
          "@taskbridge/gateway",
          "@taskbridge/worker",
        ],
      });
      fail(
        checkFromTarballs(dir, packs, [
          "@taskbridge/core",
          "@taskbridge/broker",
          "@taskbridge/gateway",
          "@taskbridge/worker",
        ]),
      );
      return `installed in ${(since(start) / 1000).toFixed(1)} s, every @taskbridge/* from its tarball`;
    },
  );
  if (!installed) return;
  writeFileSync(join(dir, "client.mjs"), CLIENT);
  writeFileSync(join(dir, "cleanup.mjs"), CLEANUP);
  await check(
    "node project: gateway + worker bins on RabbitMQ, demo.count from a node client",
    async () => {
      const suffix = randomBytes(4).toString("hex");
      const gatewayId = `t-pkg-${suffix}`;
      const workerId = `t-pkg-w-${suffix}`;
      // The gateway routes type T to the queue T (a queue prefix needs a routing plugin), so the
      // worker serves the shared `demo.*` queues; the catalog check below proves ours announced.
      const gateway = startBin(
        dir,
        "taskbridge-gateway",
        { PORT: "0", HOST: "127.0.0.1", AMQP_URL, TASKBRIDGE_GATEWAY_ID: gatewayId },
        /gateway listening on (http:\/\/\S+)/,
      );
      const worker = startBin(
        dir,
        "taskbridge-worker",
        { AMQP_URL, TASKBRIDGE_WORKER_ID: workerId },
        /worker ready: /,
      );
      let detail = "";
      try {
        const [match] = await Promise.all([gateway.ready, worker.ready]);
        const url = match[1];
        const client = await run(process.execPath, ["client.mjs", url, workerId], {
          cwd: dir,
          timeoutMs: 90_000,
        });
        if (client.code !== 0) throw new Error(`client exited ${client.code}:\n${client.output}`);
        detail = client.stdout.trim().replace(/^client ok: /, "");
      } catch (error) {
        const outputs = `--- gateway\n${gateway.output()}\n--- worker\n${worker.output()}`;
        throw new Error(`${error instanceof Error ? error.message : String(error)}\n${outputs}`);
      } finally {
        const [gatewayExit, workerExit] = await Promise.all([gateway.stop(), worker.stop()]);
        const cleanup = await run(process.execPath, ["cleanup.mjs", AMQP_URL, gatewayId], {
          cwd: dir,
          timeoutMs: 30_000,
        });
        const problems = [];
        if (gatewayExit.code !== 0) problems.push(`gateway exit ${JSON.stringify(gatewayExit)}`);
        if (workerExit.code !== 0) problems.push(`worker exit ${JSON.stringify(workerExit)}`);
        if (cleanup.code !== 0)
          problems.push(`deleting the gateway's queues failed:\n${cleanup.output}`);
        // Only reached when the run itself passed: report shutdown and clean-up problems then.
        if (detail !== "") fail(problems);
      }
      return `${detail}; both exited 0 on SIGTERM, gateway queues deleted`;
    },
  );
};

// --- 3. Browser project: Vite + React from the core and react tarballs -------------------------

/**
 * Strings each library keeps in any minified build (string literals, not identifiers). Each is
 * first looked up in the library's own files in the repository's node_modules, so a marker that
 * stopped existing fails loudly instead of passing forever.
 */
const LIBRARY_MARKERS = [
  { library: "amqplib", marker: "AMQPLAIN" },
  { library: "socket.io", marker: "socket.io.esm.min.js" },
  { library: "engine.io", marker: "Session ID unknown" },
  { library: "ajv", marker: "schema with key or id" },
  { library: "prom-client", marker: "process_cpu_user_seconds_total" },
  { library: "socket.io-client", marker: "io server disconnect", client: true },
  { library: "engine.io-client", marker: "xhr poll error", client: true },
];
// A `node:` specifier, or Vite's stand-in for a Node built-in it had to externalize.
const NODE_IMPORT = /["'`]node:[a-z_]+(?:\/[a-z_]+)?["'`]|__vite-browser-external/;
const VITE_WARNING = /warn|externalized for browser compatibility|\(!\)/i;

const checkMarkers = () => {
  const problems = [];
  for (const { library, marker } of LIBRARY_MARKERS) {
    const files = listFiles(join(root, "node_modules", library), [".js", ".mjs", ".cjs"]);
    if (!files.some((file) => readFileSync(file, "utf8").includes(marker))) {
      problems.push(`"${marker}" no longer occurs in ${library}: pick another marker`);
    }
  }
  const gatewayDist = listFiles(join(root, "packages", "gateway", "dist"), [".js"]);
  if (!gatewayDist.some((file) => NODE_IMPORT.test(readFileSync(file, "utf8")))) {
    problems.push("the node: pattern does not even match the gateway's dist");
  }
  fail(problems);
};

const bundleText = (outDir) =>
  listFiles(outDir, [".js", ".mjs"])
    .map((file) => readFileSync(file, "utf8"))
    .join("\n");

const runBrowserProject = async (dir, packs) => {
  writeBrowserApp(dir);
  const installed = await check(
    "browser project: npm install core + react tarballs, React 19, Vite, TypeScript",
    async () => {
      const start = performance.now();
      const { react, "react-dom": reactDom, ...devDependencies } = BROWSER_VERSIONS;
      await installScratch(dir, {
        packs,
        taskbridge: ["@taskbridge/core", "@taskbridge/react"],
        dependencies: { react, "react-dom": reactDom },
        devDependencies,
      });
      const problems = checkFromTarballs(dir, packs, ["@taskbridge/core", "@taskbridge/react"]);
      const lock = JSON.parse(readFileSync(join(dir, "package-lock.json"), "utf8"));
      for (const key of Object.keys(lock.packages)) {
        if (
          /node_modules\/(amqplib|socket\.io|ajv|prom-client|@taskbridge\/(broker|gateway|worker|cli))$/.test(
            key,
          )
        ) {
          problems.push(`${key} installed in a browser-only app`);
        }
      }
      fail(problems);
      return `installed in ${(since(start) / 1000).toFixed(1)} s, only core and react from tarballs, no server library`;
    },
  );
  if (!installed) return;
  await check(
    "browser project: tsc --noEmit (strict, exactOptionalPropertyTypes, noUncheckedIndexedAccess)",
    async () => {
      await runOk(join(dir, "node_modules", ".bin", "tsc"), ["--noEmit", "-p", "tsconfig.json"], {
        cwd: dir,
      });
      return `typescript ${BROWSER_VERSIONS.typescript}`;
    },
  );
  const builds = {};
  for (const app of ["memory", "socket-io"]) {
    await check(`browser project: vite build (${app} transport) without warnings`, async () => {
      const build = await viteBuild(dir, app);
      const warning = build.output.split("\n").find((line) => VITE_WARNING.test(line));
      if (warning !== undefined) throw new Error(`vite warned: ${warning}\n${build.output}`);
      builds[app] = bundleText(build.outDir);
      return `${(builds[app].length / 1024).toFixed(0)} kB of JS`;
    });
  }
  await check(
    "browser bundle: no server library, no socket.io-client in the memory app, no node: import",
    async () => {
      checkMarkers();
      const problems = [];
      const memory = builds.memory;
      const socketIo = builds["socket-io"];
      if (memory === undefined || socketIo === undefined) throw new Error("a build failed");
      for (const { library, marker, client } of LIBRARY_MARKERS) {
        if (memory.includes(marker))
          problems.push(`the memory app bundles ${library} ("${marker}")`);
        // The socket-io app must bundle the client libraries (which proves the search finds them
        // in minified output) and nothing of the servers.
        if (client && !socketIo.includes(marker)) {
          problems.push(
            `the socket-io app lacks ${library} ("${marker}"): the check cannot see it`,
          );
        }
        if (!client && socketIo.includes(marker))
          problems.push(`the socket-io app bundles ${library}`);
      }
      for (const [app, text] of Object.entries(builds)) {
        const match = NODE_IMPORT.exec(text);
        if (match !== null) problems.push(`the ${app} app imports a Node built-in: ${match[0]}`);
      }
      fail(problems);
      return "socket-io app does bundle socket.io-client + engine.io-client (the check can fail)";
    },
  );
};

// --- 4. publint and attw -----------------------------------------------------------------------

const runLinters = async (packs, unpackRoot) => {
  await check("publint --strict on every package", async () => {
    const problems = [];
    for (const pack of packs.values()) {
      const dir = join("packages", pack.name.replace("@taskbridge/", ""));
      const result = await run(join(root, "node_modules", ".bin", "publint"), ["--strict", dir]);
      if (result.code !== 0 || !/All good!/.test(result.output))
        problems.push(result.output.trim());
    }
    fail(problems);
    return `${packs.size} packages, all good`;
  });
  // attw reads the very tarballs the scratch projects install. `--profile esm-only`: the
  // packages are ESM only ("type": "module", exports without a `require` condition), so
  // `node10` and `node16 (from CJS)` resolution cannot work by design; the profile still checks
  // node16-from-ESM and bundler resolution of every subpath, where a wrong `types` would show.
  // A stylesheet subpath (`@taskbridge/react/taskbridge.css`) is left out: it is no module, and
  // TypeScript resolves no `.css` file, so attw would report it as "Resolution failed".
  await check("attw --profile esm-only on every tarball", async () => {
    const problems = [];
    for (const pack of packs.values()) {
      const manifestPath = join(unpackRoot, pack.name.replace("/", "+"), "package.json");
      const exportsMap = JSON.parse(readFileSync(manifestPath, "utf8")).exports ?? {};
      const stylesheets = Object.keys(exportsMap).filter((subpath) => subpath.endsWith(".css"));
      const result = await run(join(root, "node_modules", ".bin", "attw"), [
        pack.tarball,
        ...(stylesheets.length > 0 ? ["--exclude-entrypoints", ...stylesheets] : []),
        "--profile",
        "esm-only",
        "--format",
        "table-flipped",
        "--no-color",
      ]);
      if (result.code !== 0) problems.push(`${pack.name}:\n${result.output.trim()}`);
    }
    fail(problems);
    return `${packs.size} packages, no problems`;
  });
};

// --- main --------------------------------------------------------------------------------------

const main = async () => {
  console.log(`verify-packages: scratch projects under ${tmpdir()}, RabbitMQ ${AMQP_URL}`);
  const packDir = newScratch("packs");
  let packs;
  const built = await check("npm run build && npm pack --workspaces", async () => {
    packs = await buildAndPack(packDir);
    return [...packs.values()].map((pack) => pack.name.replace("@taskbridge/", "")).join(", ");
  });
  if (!built) return;
  const unpackRoot = join(packDir, "unpacked");
  for (const pack of packs.values()) {
    await check(`tarball contents: ${pack.name}`, () => checkTarball(pack, unpackRoot));
  }
  // The three groups are independent; they share the two cores (installs mostly wait on I/O).
  await Promise.all([
    runNodeProject(newScratch("node"), packs),
    runBrowserProject(newScratch("browser"), packs),
    runLinters(packs, unpackRoot),
  ]);
};

try {
  await main();
} catch (error) {
  console.log(
    `FAIL verify-packages crashed: ${error instanceof Error ? error.stack : String(error)}`,
  );
  results.push({ name: "crash", ok: false });
} finally {
  if (keep) console.log(`kept: ${dirs.join(" ")}`);
  else for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
const failed = results.filter((result) => !result.ok);
console.log(
  `verify-packages: ${results.length - failed.length} passed, ${failed.length} failed in ${(
    since(started) / 1000
  ).toFixed(1)} s`,
);
process.exitCode = failed.length > 0 ? 1 : 0;
