#!/usr/bin/env node
// `npm run lint`: Biome on the files git tracks, so a scratch file in a clone (untracked, not
// ignored) cannot fail it. Biome's own VCS integration only skips ignored files. Extra arguments
// go to `biome check` (e.g. `npm run lint -- --write`). Exits with Biome's status.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const biome = fileURLToPath(new URL("../node_modules/@biomejs/biome/bin/biome", import.meta.url));

const listed = spawnSync("git", ["ls-files", "-z", "--cached"], { encoding: "utf8" });
if (listed.status !== 0) {
  process.stderr.write(`lint: git ls-files failed: ${listed.stderr || listed.error}\n`);
  process.exit(2);
}
// A tracked file deleted in the working tree is not there to check.
const files = listed.stdout.split("\0").filter((file) => file !== "" && existsSync(file));

// Biome still applies biome.json's `files.includes` and skips what it cannot handle.
const result = spawnSync(
  process.execPath,
  [
    biome,
    "check",
    "--files-ignore-unknown=true",
    "--no-errors-on-unmatched",
    ...process.argv.slice(2),
    ...files,
  ],
  { stdio: "inherit" },
);
process.exit(result.status ?? 1);
