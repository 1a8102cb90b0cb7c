import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

// `npm run lint` (scripts/lint.mjs) in a throwaway git repository: it checks what git tracks,
// so an untracked scratch file with lint errors cannot fail it — until it is added.
const script = resolve("scripts", "lint.mjs");

describe("scripts/lint.mjs", () => {
  let dir = "";

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "taskbridge-lint-"));
    execFileSync("git", ["init", "--quiet"], { cwd: dir });
    writeFileSync(join(dir, "biome.json"), "{}\n");
    writeFileSync(join(dir, "good.ts"), "export const good = 1;\n");
    execFileSync("git", ["add", "biome.json", "good.ts"], { cwd: dir });
    // Untracked and not ignored: what a new user leaves lying around.
    writeFileSync(join(dir, "scratch.ts"), "debugger;\nexport const scratch = 1;\n");
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const lint = () => spawnSync(process.execPath, [script], { cwd: dir, encoding: "utf8" });

  it("passes with an untracked scratch file full of errors", () => {
    const run = lint();
    expect(run.stdout + run.stderr).not.toContain("scratch.ts");
    expect(run.status).toBe(0);
  });

  it("fails once that file is tracked", () => {
    execFileSync("git", ["add", "scratch.ts"], { cwd: dir });
    const run = lint();
    expect(run.stdout + run.stderr).toContain("scratch.ts");
    expect(run.status).toBe(1);
  });
});
