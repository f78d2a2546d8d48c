/**
 * The operators' dead-letter tool: `dlq list | show <id> | redrive (<id>... | --all)` (docs in src/cli/dlq-args.ts
 * and the README's Operations). Exit codes: 0 done, 1 could not reach Kafka or the database, 2 bad arguments.
 */
import {
  createKafka,
  EventProducer,
  namespacedTopic,
  originalEvent,
  parseDeadLetter,
  readTopicToEnd,
} from "@data-exporter/bus";
import { topics } from "@data-exporter/contracts";
import {
  AsyncResourceStack,
  commonEnvSchema,
  ConfigError,
  createLogger,
  kafkaEnv,
  kafkaSecurityOf,
  loadConfig,
  migrateWith,
  openPgPool,
  stateDatabaseEnv,
  type Env,
} from "@data-exporter/runtime";
import { PostgresStatusStore } from "@data-exporter/status-store";
import { RedriveLog } from "./adapters/redrive-log.js";
import { DlqArgsError, dlqUsage, parseDlqArgs, type DlqCommand } from "./cli/dlq-args.js";
import { exportOf, viewOf, type DeadLetterView } from "./handlers/redrive.js";

const configSchema = commonEnvSchema.pick({ LOG_LEVEL: true }).extend({ ...kafkaEnv, ...stateDatabaseEnv });

const out = (text: string): void => void process.stdout.write(`${text}\n`);

function describe(view: DeadLetterView): string {
  const about = view.requestId ? ` ${view.requestId}${view.table ? `/${view.table}` : ""}` : "";
  const state = view.redrivenAt
    ? `re-driven ${view.redrivenAt}`
    : view.redrive.eligible
      ? "pending"
      : `not re-drivable: ${view.redrive.why}`;
  return (
    `${view.id.padEnd(8)} ${view.failedAt} ${view.consumerGroup} ${view.topic}${about}\n` +
    `         ${view.kind}${view.errorCode ? ` ${view.errorCode}` : ""} after ${view.attempts} attempt(s): ` +
    `${view.errorMessage}\n         ${state}`
  );
}

async function run(command: Exclude<DlqCommand, { command: "help" }>, env: Env): Promise<number> {
  const config = loadConfig(configSchema, env);
  const log = createLogger({ service: "dlq", level: config.LOG_LEVEL, toStderr: true });
  const resources = new AsyncResourceStack();
  try {
    const kafka = createKafka({
      brokers: config.KAFKA_BROKERS,
      clientId: `${config.KAFKA_CLIENT_ID}.dlq`,
      logger: log,
      logLevel: "error",
      security: kafkaSecurityOf(config),
    });
    const pool = openPgPool(
      { resources, log },
      { connectionString: config.DATABASE_URL, max: 2, applicationName: "dlq" },
    );
    const store = new PostgresStatusStore(pool, config.STATUS_SCHEMA);
    const redrives = new RedriveLog(pool, config.STATUS_SCHEMA);
    await migrateWith({ log }, config, pool, (owner) => new RedriveLog(owner, config.STATUS_SCHEMA).migrate());
    const dlqTopic = namespacedTopic(config.TOPIC_NAMESPACE, topics.deadLetter.name);
    const deadLetters = (await readTopicToEnd(kafka, dlqTopic)).map((record) =>
      parseDeadLetter(record, config.TOPIC_NAMESPACE),
    );
    const redriven = await redrives.redriven(dlqTopic);
    const views = await Promise.all(
      deadLetters.map(async (deadLetter) => {
        const event = originalEvent(deadLetter);
        const { requestId } = exportOf(deadLetter, event);
        const state = requestId ? await store.get(requestId) : undefined;
        return { deadLetter, event, view: viewOf(deadLetter, event, state, redriven.get(deadLetter.id)) };
      }),
    );

    if (command.command === "list") {
      const shown = views.filter((v) => !command.pending || v.view.redrivenAt === null).map((v) => v.view);
      if (command.json) out(JSON.stringify({ deadLetters: shown }));
      else {
        out(`${shown.length} dead letter(s) on ${dlqTopic}`);
        for (const view of shown) out(describe(view));
      }
      return 0;
    }
    if (command.command === "show") {
      const found = views.find((v) => v.view.id === command.id);
      if (!found) {
        process.stderr.write(`dlq: no dead letter ${command.id} on ${dlqTopic}\n`);
        return 2;
      }
      const detail = { ...found.view, headers: found.deadLetter.originalHeaders, event: found.event ?? null };
      out(command.json ? JSON.stringify(detail) : `${describe(found.view)}\n${JSON.stringify(detail, null, 2)}`);
      return 0;
    }
    const chosen =
      command.ids === "all"
        ? views.filter((v) => v.view.redrive.eligible)
        : command.ids.map((id) => views.find((v) => v.view.id === id) ?? id);
    const missing = chosen.filter((v): v is string => typeof v === "string");
    if (missing.length > 0) {
      process.stderr.write(`dlq: no dead letter ${missing.join(", ")} on ${dlqTopic}\n`);
      return 2;
    }
    const producer = new EventProducer(kafka, { namespace: config.TOPIC_NAMESPACE });
    await producer.connect();
    resources.defer(() => producer.disconnect());
    const results: { id: string; redriven: boolean; why?: string; to?: string }[] = [];
    for (const { deadLetter, view } of chosen as typeof views) {
      if (!view.redrive.eligible || deadLetter.originalTopic === undefined) {
        results.push({ id: view.id, redriven: false, why: view.redrive.eligible ? "unknown topic" : view.redrive.why });
        continue;
      }
      if (!command.dryRun) {
        // Published, then recorded: a crash in between re-drives it once more, which every consumer tolerates.
        await producer.publishRaw(deadLetter.originalTopic, {
          key: deadLetter.key,
          value: deadLetter.value,
          headers: deadLetter.originalHeaders,
        });
        await redrives.record(dlqTopic, view.id, deadLetter.originalTopicName);
      }
      results.push({ id: view.id, redriven: !command.dryRun, to: deadLetter.originalTopicName });
    }
    if (command.json) out(JSON.stringify({ dryRun: command.dryRun, results }));
    else
      for (const r of results)
        out(
          r.to && command.dryRun
            ? `${r.id}: would re-drive to ${r.to}`
            : r.redriven
              ? `${r.id}: re-driven to ${r.to}`
              : `${r.id}: skipped: ${r.why}`,
        );
    return 0;
  } catch (error) {
    log.error({ err: error }, "dlq failed");
    return 1;
  } finally {
    await resources.disposeAsync().catch(() => undefined);
  }
}

async function main(argv: readonly string[], env: Env): Promise<number> {
  let command: DlqCommand;
  try {
    command = parseDlqArgs(argv);
    if (command.command !== "help") loadConfig(configSchema, env);
  } catch (error) {
    if (error instanceof DlqArgsError || error instanceof ConfigError) {
      process.stderr.write(`dlq: ${error.message}\n\n${dlqUsage}\n`);
      return 2;
    }
    throw error;
  }
  if (command.command === "help") {
    out(dlqUsage);
    return 0;
  }
  return run(command, env);
}

process.exit(await main(process.argv.slice(2), process.env));
