/**
 * npm run trigger -- [--date YYYY-MM-DD | --from D --to D] [--force] [--no-wait] [--json]: an alias of
 * `data-exporter trigger` against the local stack that `npm start` runs (the planner's trigger, as the CronJob runs
 * it, then each export followed through the gateway). Exit code: the CLI's (0 completed, 1 an export did not
 * complete, 2 bad arguments, 3 Kafka or the API unreachable).
 */
import { stackEndpoints, stackStatus } from "../stack/stack.js";
import { runCliOnLocalStack } from "./cli.js";

const args = process.argv.slice(2);
const { external } = stackEndpoints("dev");
const kafka = stackStatus("dev").find((component) => component.name === "kafka");
const helpOnly = args.includes("--help") || args.includes("-h");
if (!helpOnly && !external.includes("kafka") && kafka?.state !== "running") {
  process.stderr.write("[trigger] the local stack is not running: start it with `npm start` (in another terminal)\n");
  process.exitCode = 3;
} else {
  process.exitCode = await runCliOnLocalStack(["trigger", ...args]);
}
