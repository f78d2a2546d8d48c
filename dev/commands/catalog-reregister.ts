/**
 * npm run catalog:reregister -- [--request <id>]: re-runs the catalog-registrar's Glue registrations on the local
 * stack that `npm start` runs (every one not REGISTERED, or every table of one request), as its own database role.
 * The exit code is the entry point's (services/catalog-registrar/src/reregister.ts).
 */
import { formatLogLine } from "../harness/log-format.js";
import { defaultDeployment } from "../harness/provision.js";
import { serviceDatabaseEnv } from "../harness/service-database-env.js";
import { deploymentServiceEnv } from "../harness/service-env.js";
import { runEntryPoint } from "../harness/services.js";
import { stackEndpoints, stackEnv } from "../stack/stack.js";

const { endpoints } = stackEndpoints("dev");
const env = serviceDatabaseEnv(
  "catalog-registrar",
  // The SNS topic is not read by the registrar; the rest is npm start's environment.
  deploymentServiceEnv({ stackEnv: stackEnv(endpoints), warehouseEnv: {}, names: defaultDeployment, snsTopicArn: "" }),
);
const run = await runEntryPoint("services/catalog-registrar/src/reregister.ts", process.argv.slice(2), env, {
  onStdoutLine: (line) => void process.stdout.write(`${line}\n`),
  onStderrLine: (line) =>
    void process.stderr.write(`${line.startsWith("{") ? formatLogLine("catalog-registrar", line) : line}\n`),
});
process.exitCode = run.code;
