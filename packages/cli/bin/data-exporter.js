#!/usr/bin/env node
// The CLI is TypeScript run through tsx (as every service here); this shim starts it from any working directory,
// so tsx is resolved from here, not from the caller's directory.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const main = join(dirname(fileURLToPath(import.meta.url)), "..", "src", "main.ts");
const tsx = import.meta.resolve("tsx");
const result = spawnSync(process.execPath, ["--conditions=source", "--import", tsx, main, ...process.argv.slice(2)], {
  stdio: "inherit",
});
process.exit(result.status ?? 1);
