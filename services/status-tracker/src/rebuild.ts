/**
 * Rebuilds the status read model from the topics into a fresh schema (`npm run rebuild`; docs/rebuild.md), and
 * optionally compares it with the live one. A one-shot command like the planner's trigger: configured by the
 * environment (KAFKA_BROKERS, TOPIC_NAMESPACE, DATABASE_URL, STATUS_SCHEMA), the result on stdout (a report, or one
 * JSON line under --json), logs on stderr. Exit codes: 0 rebuilt (and equal), 1 failed or different, 2 bad
 * arguments or configuration, or a schema it refuses.
 */
import { createKafka, replayTopic, topicExtents } from "@data-exporter/bus";
import { topics } from "@data-exporter/contracts";
import {
  AsyncResourceStack,
  ConfigError,
  createLogger,
  kafkaSecurityOf,
  loadConfig,
  migrateWith,
  openPgPool,
  type Env,
} from "@data-exporter/runtime";
import { PostgresStatusStore } from "@data-exporter/status-store";
import { ReadModelQueries } from "./adapters/read-model-queries.js";
import { parseRebuildArgs, rebuildUsage, type RebuildRequest } from "./cli/rebuild-args.js";
import { rebuildConfigSchema, type RebuildConfig } from "./cli/rebuild-config.js";
import { rebuildOutput, rebuildReport } from "./cli/rebuild-output.js";
import { compareReadModels } from "./domain/read-model-diff.js";
import { StatusTrackerError } from "./errors.js";
import { rebuildReadModel } from "./handlers/rebuild-read-model.js";

const write = (text: string): Promise<void> =>
  new Promise<void>((resolve) => process.stdout.write(`${text}\n`, () => resolve()));

async function runRebuild(argv: readonly string[], env: Env): Promise<number> {
  let config: RebuildConfig;
  let request: RebuildRequest | "help";
  try {
    config = loadConfig(rebuildConfigSchema, env);
    request = parseRebuildArgs(argv, { liveSchema: config.STATUS_SCHEMA });
  } catch (error) {
    if (error instanceof ConfigError || error instanceof StatusTrackerError) {
      process.stderr.write(`rebuild: ${error.message}\n\n${rebuildUsage}\n`);
      return 2;
    }
    throw error;
  }
  if (request === "help") {
    await write(rebuildUsage);
    return 0;
  }

  const log = createLogger({ service: "status-tracker.rebuild", level: config.LOG_LEVEL, toStderr: true });
  const resources = new AsyncResourceStack();
  const { schema, compareWith } = request;
  let created = false;
  try {
    const pool = openPgPool(
      { resources, log },
      {
        connectionString: config.DATABASE_URL,
        max: 2,
        applicationName: "status-tracker.rebuild",
      },
    );
    const queries = new ReadModelQueries(pool);
    const relations = await queries.relationsIn(schema);
    if (relations !== null && relations > 0) {
      process.stderr.write(
        `rebuild: schema ${schema} already holds ${relations} relations; rebuild into a new schema ` +
          `(or drop this one: DROP SCHEMA ${schema} CASCADE)\n`,
      );
      return 2;
    }
    const store = new PostgresStatusStore(pool, schema);

    const kafka = createKafka({
      brokers: config.KAFKA_BROKERS,
      clientId: `${config.KAFKA_CLIENT_ID}.status-tracker.rebuild`,
      logger: log,
      logLevel: "warn",
      security: kafkaSecurityOf(config),
    });
    const admin = kafka.admin();
    await admin.connect();
    resources.defer(() => admin.disconnect());
    const namespace = config.TOPIC_NAMESPACE;
    const summary = await rebuildReadModel({
      extentsOf: (topic) => topicExtents(admin, topic, namespace),
      createModel: async () => {
        created = true;
        await migrateWith({ log }, config, pool, (owner) => new PostgresStatusStore(owner, schema).migrate());
      },
      replay: (topic, extents, onEvent) =>
        replayTopic(kafka, {
          topic,
          namespace,
          extents,
          onEvent,
          onSkipped: (record) =>
            log.warn(
              { topic, partition: record.partition, offset: record.offset, kind: record.kind },
              "record skipped",
            ),
        }),
      store: {
        transact: (requestId, decide) => store.transact(requestId, decide),
        findScheduled: (date) => store.findScheduled(date),
        recordRequested: (state) => store.recordRequested(state),
        markCompletionPublished: (requestId, at) => store.markCompletionPublished(requestId, at),
      },
      log: log.child({ replayed: true }),
    });

    const comparison =
      compareWith === null
        ? undefined
        : {
            with: compareWith,
            ...compareReadModels(await queries.rows(compareWith), await queries.rows(schema)),
          };
    const output = rebuildOutput(
      schema,
      summary,
      (topic) => `${namespace}${topics[topic].name}`,
      await queries.counts(schema),
      comparison,
    );
    await write(request.json ? JSON.stringify(output) : rebuildReport(output).join("\n"));
    return output.comparison?.equal === false ? 1 : 0;
  } catch (error) {
    log.error({ err: error }, "rebuild failed");
    if (error instanceof StatusTrackerError && error.code === "REBUILD_REFUSED") {
      process.stderr.write(`rebuild: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`rebuild: failed: ${(error as Error).message}\n`);
    if (created)
      process.stderr.write(
        `schema ${schema} may hold part of the read model: drop it (DROP SCHEMA ${schema} CASCADE) before trying again\n`,
      );
    return 1;
  } finally {
    await resources.disposeAsync().catch((error: unknown) => log.warn({ err: error }, "error while closing"));
  }
}

process.exit(await runRebuild(process.argv.slice(2), process.env));
