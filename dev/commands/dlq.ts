/**
 * npm run dlq -- list | show <id> | redrive (<id>... | --all): an alias of `data-exporter dlq` (the status tracker's
 * dead-letter tool) against the local stack that `npm start` runs. Its exit code is the CLI's.
 */
import { runCliOnLocalStack } from "./cli.js";

process.exitCode = await runCliOnLocalStack(["dlq", ...process.argv.slice(2)]);
