/**
 * npm run dlq -- list | show <id> | redrive (<id>... | --all): the status tracker's dead-letter tool against the
 * local stack that `npm start` runs (the same entry point a deployment runs as a Job). Its exit code is the tool's.
 */
import { defaultDeployment } from "../harness/provision.js";
import { spawnEntryPoint } from "../harness/services.js";
import { stackEndpoints, stackEnv } from "../stack/stack.js";

// Node 20 here; the AWS SDK's "Node 22 from 2027" notice is known (README) and only noise locally.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const { endpoints } = stackEndpoints("dev");
const child = spawnEntryPoint("services/status-tracker/src/dlq.ts", process.argv.slice(2), {
  ...stackEnv(endpoints),
  TOPIC_NAMESPACE: defaultDeployment.topicNamespace,
  STATUS_SCHEMA: defaultDeployment.statusSchema,
  LOG_LEVEL: "warn",
});
child.stdout.pipe(process.stdout);
child.stderr.pipe(process.stderr);
process.exitCode = await new Promise<number>((resolve) => child.once("close", (code) => resolve(code ?? 1)));
