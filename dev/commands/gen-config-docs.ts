/**
 * npm run gen:config-docs: writes docs/configuration.md from each service's configuration schema and the settings'
 * doc comments, so the reference cannot drift from the code; `--check` only compares (a unit test does the same).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { configDocsFile, currentConfigDocs } from "../config-docs/generate.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const file = configDocsFile(root);
const current = await currentConfigDocs(root);
if (process.argv.includes("--check")) {
  const same = readFileSync(file, "utf8") === current;
  process.stdout.write(
    same ? "docs/configuration.md is up to date\n" : "docs/configuration.md differs: run npm run gen:config-docs\n",
  );
  process.exit(same ? 0 : 1);
}
writeFileSync(file, current);
process.stdout.write(`wrote ${file}\n`);
