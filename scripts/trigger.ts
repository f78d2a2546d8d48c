/**
 * npm run trigger -- [--date YYYY-MM-DD | --from D --to D] [--force] [--no-wait]: the operator's scheduled export
 * against the local stack that `npm start` runs. It runs the planner's trigger entry point (the same command the
 * CronJob runs) with the local deployment's environment, then follows each export through request-api's
 * requestStatus until it finished. Exit code: the trigger's (2 for bad arguments), or 1 if an export did not finish.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { stackEndpoints, stackEnv, stackStatus } from "../infra/local/stack.js";
import { repoRoot } from "../infra/local/paths.js";
import { requestStatus, type RequestStatusResult } from "./lib/graphql-client.js";
import { formatLogLine } from "./lib/log-format.js";
import { defaultDeployment } from "./lib/provision.js";

const say = (message: string): void => void process.stdout.write(`[trigger] ${message}\n`);
const graphqlUrl = `http://127.0.0.1:${process.env.REQUEST_API_PORT ?? 4001}/graphql`;
const finished = new Set(["Completed", "Failed", "Partially Completed"]);
/** How long a request may stay unknown before we conclude the planner ignored it (date already exported). */
const unknownGraceMs = 15_000;

function runTriggerEntryPoint(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; requestIds: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(repoRoot, "services/planner/src/trigger.ts"), ...args],
      {
        cwd: repoRoot,
        env: { ...process.env, ...env },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const requestIds: string[] = [];
    createInterface({ input: child.stdout }).on("line", (line) => {
      const record = (() => {
        try {
          return JSON.parse(line) as { msg?: string; requestId?: string };
        } catch {
          return undefined;
        }
      })();
      if (record === undefined) return void process.stdout.write(`${line}\n`);
      if (record.msg === "export triggered" && record.requestId) requestIds.push(record.requestId);
      process.stdout.write(`${formatLogLine("trigger", line)}\n`);
    });
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? 1, requestIds }));
  });
}

async function follow(requestId: string, timeoutMs: number): Promise<RequestStatusResult | "unknown" | "unreachable"> {
  const began = Date.now();
  let lastProgress = -1;
  for (;;) {
    let status: RequestStatusResult;
    try {
      status = await requestStatus(graphqlUrl, requestId);
    } catch {
      return "unreachable";
    }
    if (finished.has(status.status)) return status;
    if (status.status === "Request has not been requested" && Date.now() - began > unknownGraceMs) return "unknown";
    if (status.progress !== lastProgress && status.status !== "Request has not been requested") {
      lastProgress = status.progress;
      say(`${requestId}: ${status.status} (${status.progress}%)`);
    }
    if (Date.now() - began > timeoutMs) return status;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const wait = !args.includes("--no-wait");
  const triggerArgs = args.filter((arg) => arg !== "--no-wait");
  const helpOnly = triggerArgs.includes("--help") || triggerArgs.includes("-h");

  const { endpoints, external } = stackEndpoints("dev");
  const kafka = stackStatus("dev").find((component) => component.name === "kafka");
  if (!helpOnly && !external.includes("kafka") && kafka?.state !== "running") {
    say("the local stack is not running: start it with `npm start` (in another terminal), then trigger again");
    return 1;
  }
  const env = { ...stackEnv(endpoints), TOPIC_NAMESPACE: defaultDeployment.topicNamespace, LOG_LEVEL: "info" };
  const { code, requestIds } = await runTriggerEntryPoint(triggerArgs, env);
  if (code !== 0 || !wait || requestIds.length === 0) return code;

  let exitCode = 0;
  for (const requestId of requestIds) {
    const result = await follow(requestId, 10 * 60_000);
    if (result === "unreachable") {
      say(`request-api is not answering at ${graphqlUrl}: the export runs once \`npm start\`'s services are up`);
      return 0;
    }
    if (result === "unknown") {
      say(`${requestId}: not planned. The date was already exported (or is being exported): see the planner's`);
      say(`  "date already exported" log line for the request that owns it; add --force to export the date again`);
      continue;
    }
    say(`${requestId}: ${result.status} (${result.progress}%)`);
    for (const table of result.tables) {
      say(
        `  ${table.tableName.padEnd(32)} ${table.status.padEnd(10)} attempts=${table.attempts} rows=${table.rows ?? 0} files=${table.fileCount}${table.error ? ` error=${table.error}` : ""}`,
      );
    }
    for (const skipped of result.skippedTables) say(`  ${skipped.table.padEnd(32)} skipped: ${skipped.reason}`);
    if (!finished.has(result.status)) exitCode = 1;
  }
  return exitCode;
}

process.exitCode = await main();
