#!/usr/bin/env node
// The `taskbridge` command (`npx taskbridge types --gateway <url> --out <file>`). The package
// ships TypeScript sources, so this launcher registers tsx's loader and runs cli/runCli.ts.
import { register } from "tsx/esm/api";

register();
const { runCli } = await import("../cli/runCli.ts");
process.exitCode = await runCli(process.argv.slice(2));
