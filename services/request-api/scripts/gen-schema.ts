/**
 * npm run gen:schema: writes services/request-api/schema.graphql from the code. A breaking change against the
 * committed file is refused unless `--allow-breaking` says it is deliberate (callers and the gateway's other subgraphs
 * must be told first); `--check` only compares (CI runs the same comparison as a test).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  committedSdlOf,
  compareWithCommitted,
  currentSchemaSdl,
  schemaFileHeader,
} from "../src/schema-contract/schema-contract.js";

const file = join(dirname(fileURLToPath(import.meta.url)), "..", "schema.graphql");
const args = new Set(process.argv.slice(2));
const current = currentSchemaSdl();

if (existsSync(file)) {
  const committed = committedSdlOf(readFileSync(file, "utf8"));
  const { breaking, dangerous, identical } = compareWithCommitted(committed, current);
  if (identical) {
    process.stdout.write("schema.graphql is up to date\n");
    process.exit(0);
  }
  for (const change of breaking) process.stdout.write(`breaking: ${change.type}: ${change.description}\n`);
  for (const change of dangerous) process.stdout.write(`dangerous: ${change.type}: ${change.description}\n`);
  if (args.has("--check")) process.exit(1);
  if (breaking.length > 0 && !args.has("--allow-breaking")) {
    process.stderr.write("refusing to write a breaking change; pass --allow-breaking if it is deliberate\n");
    process.exit(1);
  }
}
writeFileSync(file, schemaFileHeader + current);
process.stdout.write(`wrote ${file}\n`);
