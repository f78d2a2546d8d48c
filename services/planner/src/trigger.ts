/**
 * The scheduled export's trigger (what the daily CronJob runs, and what an operator runs by hand): emits one
 * DailyExportTriggered per date and exits. Exit codes: 0 published, 2 bad arguments or configuration, 1 could not
 * publish (Kafka unreachable).
 */
import { randomUUID } from "node:crypto";
import {
  AsyncResourceStack,
  ConfigError,
  connectBus,
  createLogger,
  loadConfig,
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

  const log = createLogger({ service: "trigger", level: config.LOG_LEVEL });
  const resources = new AsyncResourceStack();
  try {
    const bus = await connectBus(config, log, resources, "trigger");
    for (const event of triggerEvents(request, { now: Date.now(), newId: randomUUID })) {
      const receipt = await bus.producer.publish("dailyExportTriggered", {
        type: "DailyExportTriggered",
        value: event,
      });
      log.info(
        {
          requestId: event.requestId,
          exportDate: event.exportDate,
          window: `${new Date(event.windowStart).toISOString()}/${new Date(event.windowEnd).toISOString()}`,
          hours: (event.windowEnd - event.windowStart) / 3_600_000,
          force: event.force,
          triggeredBy: event.triggeredBy,
          topic: receipt.topic,
          offset: receipt.offset,
        },
        "export triggered",
      );
    }
    return 0;
  } catch (error) {
    log.error({ err: error }, "could not publish the trigger");
    return 1;
  } finally {
    await resources.disposeAsync().catch((error: unknown) => log.warn({ err: error }, "error while closing"));
  }
}

process.exit(await runTrigger(process.argv.slice(2), process.env));
