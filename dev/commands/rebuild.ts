/**
 * npm run rebuild -- --schema NEW [--compare-with LIVE] [--json]: rebuilds the status read model from the topics of
 * the local stack that `npm start` runs into a new schema of its exporter database (docs/rebuild.md). It runs the
 * status tracker's rebuild entry point with the local deployment's environment (its brokers, database, topic
 * namespace and STATUS_SCHEMA, which it refuses to write into); the exit code is the rebuild's.
 */
import { formatLogLine } from "../harness/log-format.js";
import { defaultDeployment } from "../harness/provision.js";
import { runRebuild } from "../harness/rebuild.js";
import { stackEndpoints, stackEnv, stackStatus } from "../stack/stack.js";

const args = process.argv.slice(2);
const helpOnly = args.includes("--help") || args.includes("-h");
const { endpoints, external } = stackEndpoints("dev");
const kafka = stackStatus("dev").find((component) => component.name === "kafka");
if (!helpOnly && !external.includes("kafka") && kafka?.state !== "running") {
  process.stdout.write("[rebuild] the local stack is not running: start it with `npm start`, then rebuild again\n");
  process.exitCode = 1;
} else {
  const env = {
    ...stackEnv(endpoints),
    TOPIC_NAMESPACE: defaultDeployment.topicNamespace,
    STATUS_SCHEMA: defaultDeployment.statusSchema,
    ...(process.env.LOG_LEVEL ? { LOG_LEVEL: process.env.LOG_LEVEL } : {}),
  };
  const run = await runRebuild(args, env, {
    onStdoutLine: (line) => void process.stdout.write(`${line}\n`),
    // Its logs readable; anything else it writes to stderr (a refusal, the usage) as it is.
    onStderrLine: (line) =>
      void process.stderr.write(`${line.startsWith("{") ? formatLogLine("rebuild", line) : line}\n`),
  });
  process.exitCode = run.code;
}
