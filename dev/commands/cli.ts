import { spawn } from "node:child_process";
import { defaultDeployment } from "../harness/provision.js";
import { repoRoot } from "../stack/paths.js";
import { stackEndpoints, stackEnv } from "../stack/stack.js";

/**
 * Runs `data-exporter <args>` (packages/cli) against the local stack `npm start` runs: its Kafka, state database and
 * topic namespace, and its gateway (GATEWAY_PORT); the CLI reads npm start's token file itself. Resolves to its exit
 * code.
 */
export function runCliOnLocalStack(args: readonly string[]): Promise<number> {
  const { endpoints } = stackEndpoints("dev");
  const env = {
    ...process.env,
    ...stackEnv(endpoints),
    TOPIC_NAMESPACE: defaultDeployment.topicNamespace,
    STATUS_SCHEMA: defaultDeployment.statusSchema,
    DATA_EXPORTER_URL: process.env.DATA_EXPORTER_URL ?? `http://127.0.0.1:${process.env.GATEWAY_PORT ?? 4000}/graphql`,
  };
  const child = spawn(process.execPath, [`${repoRoot}/packages/cli/bin/data-exporter.js`, ...args], {
    env,
    stdio: "inherit",
  });
  return new Promise((resolve) => child.once("close", (code) => resolve(code ?? 1)));
}
