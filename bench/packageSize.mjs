#!/usr/bin/env node
// `npm run bench:size`: what the packages cost a browser app, measured on the packed tarballs of
// this checkout (docs/packages.md, "Sizes"). Builds and packs the packages, then in scratch
// projects under os.tmpdir():
//   1. installs only @taskbridge/react (core comes as its dependency) with react and react-dom
//      and sums node_modules;
//   2. builds the Vite + React app of scripts/packageScratch.mjs with react and react-dom
//      externalized and gzips its JS: (i) the Socket.IO transport + RequestButton, StreamingLog,
//      ProgressPanel, (ii) the memory transport (with the reference handlers) + the same three
//      components. Per-package figures come from rebuilding with one more group of packages
//      externalized each time: each group's share is how much the bundle shrank without it (so
//      the shares add up to the total exactly), and React's size is the full build minus the
//      React-less one.
// Prints the figures and the targets; exits 0 either way (sizes are reported, not asserted).
//
//   node bench/packageSize.mjs [--json]   --json: also print the figures as one JSON object
import { rmSync } from "node:fs";
import { join } from "node:path";
import {
  BROWSER_VERSIONS,
  buildAndPack,
  directorySize,
  gzipSizes,
  installScratch,
  listFiles,
  scratchDir,
  since,
  viteBuild,
  writeBrowserApp,
} from "../scripts/packageScratch.mjs";

const TARGETS = { installedMb: 15, socketIoKb: 35, memoryKb: 20 };
const started = performance.now();
const dirs = [];
const newScratch = (label) => {
  const dir = scratchDir(label);
  dirs.push(dir);
  return dir;
};

const mb = (bytes) => (bytes / 1_000_000).toFixed(2);
const kb = (bytes) => (bytes / 1000).toFixed(1);
const verdict = (value, target) => (value <= target ? "within target" : "OVER target");
const log = (line) => console.log(`[${(since(started) / 1000).toFixed(1)} s] ${line}`);

/** Installed size of each top-level package in node_modules (scoped ones by their full name). */
const packageSizes = (nodeModules) => {
  const sizes = [];
  for (const file of listFiles(nodeModules, ["package.json"])) {
    const relative = file.slice(nodeModules.length + 1).split("/");
    const depth = relative[0]?.startsWith("@") ? 3 : 2;
    if (relative.length !== depth || relative.includes("node_modules")) continue;
    const name = relative.slice(0, depth - 1).join("/");
    sizes.push({ name, bytes: directorySize(join(nodeModules, name)) });
  }
  return sizes.sort((a, b) => b.bytes - a.bytes);
};

/**
 * The groups left out one after the other (on top of React) for the per-package shares; the
 * last build holds only the app's own code. Packages a group names but an app lacks are no-ops.
 */
const SHARE_GROUPS = [
  {
    label: "socket.io-client + engine.io-client (+ parsers, emitter)",
    packages: [
      "socket.io-client",
      "engine.io-client",
      "socket.io-parser",
      "engine.io-parser",
      "@socket.io/component-emitter",
    ],
  },
  { label: "zod (zod/mini)", packages: ["zod"] },
  {
    label: "@tanstack/react-virtual + virtual-core",
    packages: ["@tanstack/react-virtual", "@tanstack/virtual-core"],
  },
  { label: "@taskbridge/react", packages: ["@taskbridge/react"] },
  { label: "@taskbridge/core", packages: ["@taskbridge/core"] },
];
const REACT = ["react", "react-dom"];

/** gzip of an app's JS with `external` left out (also its CSS, for the record). */
const measure = async (appDir, app, external, out) => {
  const { outDir } = await viteBuild(appDir, app, { external, out });
  return {
    js: gzipSizes(listFiles(outDir, [".js"])),
    css: gzipSizes(listFiles(outDir, [".css"])),
  };
};

const measureApp = async (appDir, app) => {
  const withReact = await measure(appDir, app, [], `${app}-with-react`);
  const withoutReact = await measure(appDir, app, REACT, `${app}-without-react`);
  const shares = [];
  let external = REACT;
  let previous = withoutReact.js.gzip;
  for (const [index, group] of SHARE_GROUPS.entries()) {
    external = [...external, ...group.packages];
    const { js } = await measure(appDir, app, external, `${app}-share-${index}`);
    shares.push({ label: group.label, gzip: previous - js.gzip });
    previous = js.gzip;
  }
  shares.push({ label: "the app's own code", gzip: previous });
  return { withReact: withReact.js, withoutReact: withoutReact.js, css: withoutReact.css, shares };
};

const main = async () => {
  log("npm run build && npm pack --workspaces");
  const packs = await buildAndPack(newScratch("size-packs"));
  const { react, "react-dom": reactDom, ...devDependencies } = BROWSER_VERSIONS;

  log("installing @taskbridge/react + react + react-dom from the tarballs");
  const installDir = newScratch("size-install");
  await installScratch(installDir, {
    packs,
    taskbridge: ["@taskbridge/react"],
    dependencies: { react, "react-dom": reactDom },
  });
  const nodeModules = join(installDir, "node_modules");
  const installed = { bytes: directorySize(nodeModules), packages: packageSizes(nodeModules) };

  log("installing the Vite + React app (core + react tarballs)");
  const appDir = newScratch("size-app");
  writeBrowserApp(appDir);
  await installScratch(appDir, {
    packs,
    taskbridge: ["@taskbridge/core", "@taskbridge/react"],
    dependencies: { react, "react-dom": reactDom },
    devDependencies,
  });
  const bundles = {};
  for (const app of ["socket-io", "memory"]) {
    log(`vite build ${app}: with React, without, then without each package group in turn`);
    bundles[app] = await measureApp(appDir, app);
  }
  return { installed, bundles };
};

try {
  const { installed, bundles } = await main();
  const lines = [
    "",
    `Installed: node_modules of a browser app with only @taskbridge/react (+ core, react, react-dom)`,
    `  ${mb(installed.bytes)} MB (target ≤ ${TARGETS.installedMb} MB: ${verdict(installed.bytes / 1e6, TARGETS.installedMb)})`,
    ...installed.packages
      .slice(0, 10)
      .map(({ name, bytes }) => `    ${mb(bytes).padStart(6)} MB  ${name}`),
    "",
    "Bundle: vite build, minified, JS gzip (zlib level 6) with react and react-dom externalized",
  ];
  for (const [app, label, target] of [
    [
      "socket-io",
      "(i) Socket.IO transport + RequestButton, StreamingLog, ProgressPanel",
      TARGETS.socketIoKb,
    ],
    [
      "memory",
      "(ii) memory transport + reference handlers + the three components",
      TARGETS.memoryKb,
    ],
  ]) {
    const bundle = bundles[app];
    lines.push(
      `  ${label}`,
      `    ${kb(bundle.withoutReact.gzip)} kB gzip (${kb(bundle.withoutReact.raw)} kB raw; target ≤ ${target} kB: ${verdict(bundle.withoutReact.gzip / 1000, target)}); CSS ${kb(bundle.css.gzip)} kB gzip`,
      `    with React bundled: ${kb(bundle.withReact.gzip)} kB gzip (so React ≈ ${kb(bundle.withReact.gzip - bundle.withoutReact.gzip)} kB)`,
      "    shares (gzip; how much the bundle shrinks without each, in turn):",
      // Left out, a package still costs its `import` line, so one the bundle hardly holds can
      // come out slightly negative.
      ...bundle.shares.map(({ label, gzip }) =>
        gzip < 300 ? `       < 0.3 kB  ${label}` : `      ${kb(gzip).padStart(6)} kB  ${label}`,
      ),
    );
  }
  lines.push("", `bench:size done in ${(since(started) / 1000).toFixed(1)} s`);
  console.log(lines.join("\n"));
  if (process.argv.includes("--json")) console.log(JSON.stringify({ installed, bundles }, null, 2));
} catch (error) {
  console.error(`bench:size failed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exitCode = 1;
} finally {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
