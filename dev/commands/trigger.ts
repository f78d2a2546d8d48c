/**
 * npm run trigger -- [--date YYYY-MM-DD | --from D --to D] [--force] [--no-wait]: the operator's scheduled export
 * against the local stack that `npm start` runs. It runs the planner's trigger entry point (the same command the
 * CronJob runs) with the local deployment's environment, then follows each export through the gateway's
 * requestStatus, with the operator token npm start wrote, until it finished. Exit code: the trigger's (2 for bad arguments), or 1 if an export did not finish.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { exportReport } from "../harness/export-report.js";
import { isFinished, requestStatus, useBearerToken, type RequestStatusResult } from "../harness/graphql/client.js";
import { formatLogLine } from "../harness/log-format.js";
import { defaultDeployment } from "../harness/provision.js";
import { runTrigger, type TriggeredExport } from "../harness/trigger.js";
import { profileDirs } from "../stack/paths.js";
import { stackEndpoints, stackEnv, stackStatus } from "../stack/stack.js";

// Node 20 here; the AWS SDK's "Node 22 from 2027" notice is known (README) and only noise locally.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const say = (message: string): void => void process.stdout.write(`[trigger] ${message}\n`);
const graphqlUrl = `http://127.0.0.1:${process.env.GATEWAY_PORT ?? 4000}/graphql`;
const tokenFile = join(profileDirs("dev").root, "token");
// Scheduled exports have no caller: only the operator's role sees them.
if (existsSync(tokenFile)) useBearerToken(graphqlUrl, readFileSync(tokenFile, "utf8").trim());
/** How long a request may stay unknown before we conclude the planner ignored it. */
const unknownGraceMs = 30_000;

/** The trigger's logs, readable; anything else it writes to stderr (the usage after bad arguments) as it is. */
function showTriggerLine(line: string): void {
  if (line.startsWith("{")) process.stdout.write(`${formatLogLine("trigger", line)}\n`);
  else process.stderr.write(`${line}\n`);
}

/** The request that owns a date in the planner's scheduled_export_dates, once the planner has seen a trigger of it. */
async function ownerOf(state: pg.Pool, exportDate: string): Promise<string | undefined> {
  const { rows } = await state
    .query<{ request_id: string }>(
      `SELECT request_id FROM "${defaultDeployment.statusSchema}".scheduled_export_dates WHERE export_date = $1`,
      [exportDate],
    )
    .catch(() => ({ rows: [] as { request_id: string }[] }));
  return rows[0]?.request_id;
}

async function follow(
  request: TriggeredExport,
  state: pg.Pool,
  timeoutMs: number,
): Promise<RequestStatusResult | { owner: string } | "unknown" | "unreachable"> {
  const began = Date.now();
  let lastProgress = -1;
  for (;;) {
    let status: RequestStatusResult;
    try {
      status = await requestStatus(graphqlUrl, request.requestId);
    } catch {
      return "unreachable";
    }
    if (isFinished(status.status)) return status;
    if (status.status === "Request has not been requested") {
      // Without --force the planner never hands a date over: another owner means this trigger is a no-op.
      const owner = request.force ? undefined : await ownerOf(state, request.exportDate);
      if (owner !== undefined && owner !== request.requestId) return { owner };
      if (Date.now() - began > unknownGraceMs) return "unknown";
    } else if (status.progress !== lastProgress) {
      lastProgress = status.progress;
      say(`${request.requestId}: ${status.status} (${status.progress}%)`);
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
  if (helpOnly)
    say("npm run trigger also takes --no-wait: return once the events are published, without following the exports");

  const { endpoints, external } = stackEndpoints("dev");
  const kafka = stackStatus("dev").find((component) => component.name === "kafka");
  if (!helpOnly && !external.includes("kafka") && kafka?.state !== "running") {
    say("the local stack is not running: start it with `npm start` (in another terminal), then trigger again");
    return 1;
  }
  const env = { ...stackEnv(endpoints), TOPIC_NAMESPACE: defaultDeployment.topicNamespace, LOG_LEVEL: "info" };
  const { code, triggered, help } = await runTrigger(triggerArgs, env, { onStderrLine: showTriggerLine });
  if (help !== undefined) process.stdout.write(`${help}\n`);
  if (code !== 0 || !wait || triggered.length === 0) return code;

  const state = new pg.Pool({ connectionString: endpoints.databaseUrl, max: 1 });
  try {
    let exitCode = 0;
    for (const request of triggered) {
      const result = await follow(request, state, 10 * 60_000);
      if (result === "unreachable") {
        say(
          `the gateway at ${graphqlUrl} did not answer with ${tokenFile}: the export runs once \`npm start\`'s ` +
            `services are up (npm start also writes that token)`,
        );
        return 0;
      }
      if (result === "unknown") {
        say(`${request.requestId}: not planned yet; is the planner running? (see \`npm start\`'s output)`);
        exitCode = 1;
        continue;
      }
      if ("owner" in result) {
        say(`${request.requestId}: nothing to do, ${request.exportDate} was already exported (or is being exported)`);
        say(`  by request ${result.owner}; add --force to export the date again`);
        continue;
      }
      say(`${request.requestId}: ${result.status} (${result.progress}%)`);
      for (const line of exportReport(result)) say(line);
      if (!isFinished(result.status)) exitCode = 1;
    }
    return exitCode;
  } finally {
    await state.end();
  }
}

process.exitCode = await main();
