#!/usr/bin/env node
// `npm run test:stories`: builds Storybook, serves the static build on a free port of
// 127.0.0.1, runs the preview-start check (scripts/storybookPreviewStart.mjs: a story selected
// as soon as the page fired `load`, while msw's service worker is still starting, must render,
// as the test-runner needs), runs every story in Debian's Chromium through `test-storybook`
// (render errors, console errors, failing `play` functions and serious/critical axe violations
// fail a story), then the cold-load check (scripts/storybookColdLoad.mjs): pages opened as a
// new user opens them, each in a fresh browser context, first from the static build, then from
// the dev server of `npm run storybook` (started here on a free port, with the CPU slowed down
// for the manager pages), failing on any console error, uncaught error or failed request.
// Always stops the servers; exits non-zero when anything failed.
//
//   node scripts/test-stories.mjs                 build into a temporary directory, then test
//   node scripts/test-stories.mjs --no-build      test the existing storybook-static/
//   node scripts/test-stories.mjs --no-cold-load  skip the cold-load check
//   node scripts/test-stories.mjs --no-dev        skip its dev-server part
//   node scripts/test-stories.mjs -- <args>       extra arguments for test-storybook
import { spawn } from "node:child_process";
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { checkColdLoads, coldLoadPages } from "./storybookColdLoad.mjs";
import { checkPreviewStart } from "./storybookPreviewStart.mjs";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const bin = (name) => join(root, "node_modules", ".bin", name);

const argv = process.argv.slice(2);
const split = argv.indexOf("--");
const ownArgs = split === -1 ? argv : argv.slice(0, split);
const runnerArgs = split === -1 ? [] : argv.slice(split + 1);
const build = !ownArgs.includes("--no-build");
const coldLoad = !ownArgs.includes("--no-cold-load");
const devServer = !ownArgs.includes("--no-dev");
/** CPU slow-down for the dev server's manager pages: a slow machine, where start-up races show. */
const DEV_CPU_THROTTLE = 4;
// A fresh build goes to its own directory, so two runs never share one and a developer's
// storybook-static/ is left alone.
const staticDir = build
  ? mkdtempSync(join(tmpdir(), "taskbridge-storybook-"))
  : join(root, "storybook-static");

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".map": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

/** Runs a command in the foreground, resolving with its exit code. */
const run = (command, args, env = {}) =>
  new Promise((done) => {
    const child = spawn(command, args, {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, ...env },
    });
    children.add(child);
    child.on("exit", (code, signal) => {
      children.delete(child);
      done(code ?? (signal ? 1 : 0));
    });
  });

const children = new Set();

/** A static file server for the built Storybook, on a free port of 127.0.0.1. */
const serve = (dir) =>
  new Promise((ready) => {
    const server = createServer((req, res) => {
      const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
      let file = normalize(join(dir, path));
      if (!file.startsWith(dir)) {
        res.writeHead(403).end();
        return;
      }
      if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
      if (!existsSync(file)) {
        res.writeHead(404, { "content-type": "text/plain" }).end("not found");
        return;
      }
      res.writeHead(200, {
        "content-type": TYPES[extname(file)] ?? "application/octet-stream",
        "cache-control": "no-store",
      });
      createReadStream(file).pipe(res);
    });
    server.listen(0, "127.0.0.1", () => ready(server));
  });

/** A free TCP port of 127.0.0.1 (for a server that must be given its port). */
const freePort = () =>
  new Promise((done, fail) => {
    const probe = createServer();
    probe.on("error", fail);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => done(port));
    });
  });

/** Polls `url` until it answers 200, or rejects after `timeoutMs`. */
const waitForUrl = async (url, timeoutMs, alive) => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive()) throw new Error(`the server exited before ${url} answered`);
    try {
      const response = await fetch(url);
      if (response.ok) return response;
    } catch {
      // not listening yet
    }
    await new Promise((later) => setTimeout(later, 500));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
};

/**
 * The dev-server part of the cold-load check: `storybook dev` on a free port (its own process
 * group, stopped afterwards), then the manager on a story and on a docs page with the CPU
 * slowed down, and every docs page opened alone (the dev build of React warns where a static
 * build is silent). Resolves with the problems found; prints the server's output if any.
 */
const checkDevServer = async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const output = [];
  const child = spawn(bin("storybook"), ["dev", "-p", String(port), "--ci", "--exact-port"], {
    cwd: root,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, STORYBOOK_DISABLE_TELEMETRY: "1" },
  });
  devChildren.add(child);
  let alive = true;
  child.on("exit", () => {
    alive = false;
    devChildren.delete(child);
  });
  child.stdout.on("data", (data) => output.push(data));
  child.stderr.on("data", (data) => output.push(data));
  const problems = [];
  try {
    console.log(`test-stories: cold loads from the dev server on ${url}`);
    const index = await (await waitForUrl(`${url}/index.json`, 180_000, () => alive)).json();
    const docs = Object.values(index.entries).filter((entry) => entry.type === "docs");
    const story = Object.values(index.entries).find((entry) => entry.type === "story");
    const managerPages = [
      ...(story ? [{ path: `/?path=/story/${story.id}`, manager: true }] : []),
      ...(docs[0] ? [{ path: `/?path=/docs/${docs[0].id}`, manager: true }] : []),
    ];
    problems.push(
      ...(await checkColdLoads(url, managerPages, { cpuThrottle: DEV_CPU_THROTTLE })),
      ...(await checkColdLoads(
        url,
        docs.map((entry) => ({ path: `/iframe.html?id=${entry.id}&viewMode=docs` })),
      )),
    );
  } catch (error) {
    problems.push(`dev server: ${error instanceof Error ? error.message : error}`);
  } finally {
    stopDevServers();
  }
  if (problems.length > 0) process.stderr.write(Buffer.concat(output));
  return problems;
};

const devChildren = new Set();
const stopDevServers = () => {
  for (const child of devChildren) {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
};

/** Prints the problems of a check under a heading; returns the exit status they call for. */
const report = (what, problems, clean = "every page loaded without errors") => {
  if (problems.length === 0) {
    console.log(`test-stories: ${what}: ${clean}`);
    return 0;
  }
  console.error(`test-stories: ${what}: ${problems.length} problem(s)`);
  for (const problem of problems) console.error(`  - ${problem}`);
  return 1;
};

let server;
const stop = () => {
  for (const child of children) child.kill("SIGTERM");
  stopDevServers();
  server?.closeAllConnections();
  server?.close();
  if (build) rmSync(staticDir, { recursive: true, force: true });
};
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    stop();
    process.exit(130);
  });
}

let status = 0;
try {
  if (build) {
    status = await run(bin("storybook"), ["build", "--test", "--quiet", "-o", staticDir], {
      STORYBOOK_DISABLE_TELEMETRY: "1",
    });
  }
  if (status === 0 && !existsSync(join(staticDir, "index.json"))) {
    console.error(`test-stories: ${staticDir}/index.json is missing; build first`);
    status = 1;
  }
  if (status === 0) {
    server = await serve(staticDir);
    const { port } = server.address();
    const url = `http://127.0.0.1:${port}`;
    console.log(`test-stories: serving ${staticDir} on ${url}`);
    const index = JSON.parse(readFileSync(join(staticDir, "index.json"), "utf8"));
    const firstStory = Object.values(index.entries).find((entry) => entry.type === "story");
    if (firstStory !== undefined) {
      status = report(
        "preview start",
        await checkPreviewStart(url, firstStory.id),
        `${firstStory.id}, selected at page load while msw started, rendered`,
      );
    }
    const runnerStatus = await run(
      bin("test-storybook"),
      ["--url", url, "--index-json", "--failOnConsole", "--maxWorkers=2", ...runnerArgs],
      { STORYBOOK_DISABLE_TELEMETRY: "1" },
    );
    status = Math.max(status, runnerStatus);
    if (coldLoad) {
      console.log(`test-stories: cold loads from the static build on ${url}`);
      const problems = await checkColdLoads(url, coldLoadPages(index.entries));
      status = Math.max(status, report("static build", problems));
    }
  }
  if (status === 0 && coldLoad && devServer) {
    status = Math.max(status, report("dev server", await checkDevServer()));
  }
} finally {
  stop();
}
process.exit(status);
