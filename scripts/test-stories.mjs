#!/usr/bin/env node
// `npm run test:stories`: builds Storybook, serves the static build on a free port of
// 127.0.0.1, runs every story in Debian's Chromium through `test-storybook` (render errors,
// console errors, failing `play` functions and serious/critical axe violations fail a story),
// and always stops the server. Exits with the test-runner's status.
//
//   node scripts/test-stories.mjs              build into a temporary directory, then test
//   node scripts/test-stories.mjs --no-build   test the existing storybook-static/
//   node scripts/test-stories.mjs -- <args>    extra arguments for test-storybook
import { spawn } from "node:child_process";
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const bin = (name) => join(root, "node_modules", ".bin", name);

const argv = process.argv.slice(2);
const split = argv.indexOf("--");
const ownArgs = split === -1 ? argv : argv.slice(0, split);
const runnerArgs = split === -1 ? [] : argv.slice(split + 1);
const build = !ownArgs.includes("--no-build");
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

let server;
const stop = () => {
  for (const child of children) child.kill("SIGTERM");
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
    status = await run(
      bin("test-storybook"),
      ["--url", url, "--index-json", "--failOnConsole", "--maxWorkers=2", ...runnerArgs],
      { STORYBOOK_DISABLE_TELEMETRY: "1" },
    );
  }
} finally {
  stop();
}
process.exit(status);
