#!/usr/bin/env node
// The `taskbridge` command: `npx taskbridge types --gateway <url> --out <file>`.
import { runCli } from "./runCli.js";

process.exitCode = await runCli(process.argv.slice(2));
