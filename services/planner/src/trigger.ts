/**
 * The scheduled export's trigger (what the daily CronJob runs, and what an operator runs by hand): emits one
 * DailyExportTriggered per date and exits. Exit codes: 0 published, 2 bad arguments or configuration, 1 could not
 * publish (Kafka unreachable). With --json, stdout carries only a document of what was published
 * (cli/trigger-output.ts), for programs that run it; the logs go to stderr.
 */
import { randomUUID } from "node:crypto";
import {
  AsyncResourceStack,
  ConfigError,
  connectBus,
  createLogger,
  loadConfig,
  startTracing,
  type Env,
} from "@data-exporter/runtime";
import {
  parseTriggerArgs,
  TriggerArgsError,
  triggerEvents,
  triggerUsage,
  type TriggerRequest,
} from "./cli/trigger-args.js";
import { triggerConfigSchema, type TriggerConfig } from "./cli/trigger-config.js";
import { triggeredExport, type TriggeredExport, type TriggerOutput } from "./cli/trigger-output.js";

async function runTrigger(argv: readonly string[], env: Env): Promise<number> {
  let config: TriggerConfig;
  let request: TriggerRequest | "help";
  try {
    config = loadConfig(triggerConfigSchema, env);
    request = parseTriggerArgs(argv, { now: Date.now(), defaultTriggeredBy: config.TRIGGERED_BY });
  } catch (error) {
    if (error instanceof TriggerArgsError || error instanceof ConfigError) {
      process.stderr.write(`trigger: ${error.message}\n\n${triggerUsage}\n`);
      return 2;
    }
    throw error;
  }
  if (request === "help") {
    process.stdout.write(`${triggerUsage}\n`);
    return 0;
  }

  const log = createLogger({ service: "trigger", level: config.LOG_LEVEL, toStderr: request.json });
  const resources = new AsyncResourceStack();
  const tracing = startTracing("trigger", config);
  resources.defer(() => tracing.shutdown());
  const triggered: TriggeredExport[] = [];
  try {
    const bus = await connectBus(config, log, resources, "trigger");
    for (const event of triggerEvents(request, { now: Date.now(), newId: randomUUID })) {
      const receipt = await bus.producer.publish("dailyExportTriggered", {
        type: "DailyExportTriggered",
        value: event,
      });
      const published = triggeredExport(event, receipt);
      triggered.push(published);
      log.info(published, "export triggered");
    }
    return 0;
  } catch (error) {
    log.error({ err: error }, "could not publish the trigger");
    return 1;
  } finally {
    await resources.disposeAsync().catch((error: unknown) => log.warn({ err: error }, "error while closing"));
    if (request.json) {
      const output: TriggerOutput = { triggered };
      await new Promise<void>((resolve) => process.stdout.write(`${JSON.stringify(output)}\n`, () => resolve()));
    }
  }
}

process.exit(await runTrigger(process.argv.slice(2), process.env));
