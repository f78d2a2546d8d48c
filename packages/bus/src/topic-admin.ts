import type { Admin } from "kafkajs";
import kafkajs from "kafkajs";
import type { TopicDefinition } from "@data-exporter/contracts";
import type { TopicDrift } from "./errors.js";
import { BusError, TopicDriftError } from "./errors.js";

// kafkajs is CommonJS; Node's ESM loader cannot see this named export, so it is read from the default one.
const { ConfigResourceTypes } = kafkajs;
import { checkNamespace, namespacedTopic } from "./namespace.js";

/** The part of kafkajs's Admin that topic set-up needs. */
export type TopicAdmin = Pick<Admin, "listTopics" | "createTopics" | "fetchTopicMetadata" | "describeConfigs">;

export interface EnsureTopicsOptions {
  /** Prefix of every topic name, e.g. `t-3f9a.` (default none). */
  readonly namespace?: string | undefined;
  /** Replication factor of created topics (default: the broker's `default.replication.factor`). */
  readonly replicationFactor?: number | undefined;
  /** Throw TopicDriftError on retention or cleanup drift instead of returning it (default false). */
  readonly failOnConfigDrift?: boolean | undefined;
}

export interface EnsureTopicsResult {
  /** Topics this call created (namespaced names). */
  readonly created: readonly string[];
  /** Topics that existed and were checked. */
  readonly existing: readonly string[];
  /** Config differences of existing topics that were tolerated (a warning for the caller to log). */
  readonly drift: readonly TopicDrift[];
}

function expectedConfig(definition: TopicDefinition): Record<"retention.ms" | "cleanup.policy", string> {
  return { "retention.ms": String(definition.retentionMs), "cleanup.policy": definition.cleanupPolicy };
}

/**
 * Creates missing topics with their partitions, retention and cleanup policy, and checks existing ones.
 * Fewer partitions than defined always throws TopicDriftError (TOPIC_PARTITIONS_TOO_FEW): consumers are sized for
 * them. Retention and cleanup drift is returned in `drift`, or thrown when `failOnConfigDrift` is set.
 */
export async function ensureTopics(
  admin: TopicAdmin,
  definitions: readonly TopicDefinition[],
  options: EnsureTopicsOptions = {},
): Promise<EnsureTopicsResult> {
  const namespace = checkNamespace(options.namespace);
  const wanted = new Map(definitions.map((d) => [namespacedTopic(namespace, d.name), d]));
  try {
    const present = new Set(await admin.listTopics());
    const missing = [...wanted].filter(([name]) => !present.has(name));
    const created: string[] = [];
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map(([name, d]) => ({
          topic: name,
          numPartitions: d.partitions,
          replicationFactor: options.replicationFactor ?? -1,
          configEntries: Object.entries(expectedConfig(d)).map(([key, value]) => ({ name: key, value })),
        })),
      });
      created.push(...missing.map(([name]) => name));
    }
    // Topics created concurrently by another instance are verified like any existing one.
    const existing = [...wanted.keys()].filter((name) => !created.includes(name));
    const drift = existing.length === 0 ? [] : await findDrift(admin, existing, wanted);
    const partitionDrift = drift.filter((d) => d.setting === "partitions");
    if (partitionDrift.length > 0) throw new TopicDriftError("TOPIC_PARTITIONS_TOO_FEW", partitionDrift);
    if (drift.length > 0 && options.failOnConfigDrift) throw new TopicDriftError("TOPIC_CONFIG_DRIFT", drift);
    return { created, existing, drift };
  } catch (error) {
    if (error instanceof BusError) throw error;
    // On a secured cluster a client may describe the topics but not create them: waiting will not help.
    const refused = kafkaErrorTypes(error).some((type) => type.endsWith("AUTHORIZATION_FAILED"));
    const hint = refused
      ? " (this client may not create or describe them: create the topics first and grant its ACLs, docs/operations.md)"
      : "";
    throw new BusError("TOPIC_SETUP_FAILED", `topic set-up failed: ${(error as Error).message}${hint}`, {
      cause: error,
      retryable: !refused,
      context: { topics: [...wanted.keys()] },
    });
  }
}

async function findDrift(
  admin: TopicAdmin,
  names: readonly string[],
  wanted: ReadonlyMap<string, TopicDefinition>,
): Promise<TopicDrift[]> {
  const drift: TopicDrift[] = [];
  const metadata = await admin.fetchTopicMetadata({ topics: [...names] });
  for (const topic of metadata.topics) {
    const definition = wanted.get(topic.name);
    if (definition && topic.partitions.length < definition.partitions) {
      drift.push({
        topic: topic.name,
        setting: "partitions",
        expected: `>= ${definition.partitions}`,
        actual: String(topic.partitions.length),
      });
    }
  }
  const configs = await admin.describeConfigs({
    includeSynonyms: false,
    resources: names.map((name) => ({
      type: ConfigResourceTypes.TOPIC,
      name,
      configNames: ["retention.ms", "cleanup.policy"],
    })),
  });
  for (const resource of configs.resources) {
    const definition = wanted.get(resource.resourceName);
    if (!definition) continue;
    for (const [setting, expected] of Object.entries(expectedConfig(definition))) {
      const actual = resource.configEntries.find((entry) => entry.configName === setting)?.configValue ?? "";
      if (actual !== expected) {
        drift.push({ topic: resource.resourceName, setting: setting as TopicDrift["setting"], expected, actual });
      }
    }
  }
  return drift;
}

/** The Kafka error codes of a kafkajs error: its own, or those of an aggregate (createTopics reports one per topic). */
function kafkaErrorTypes(error: unknown): string[] {
  const { type, errors } = error as { type?: unknown; errors?: unknown };
  const nested = Array.isArray(errors) ? errors.flatMap((e) => kafkaErrorTypes(e)) : [];
  return typeof type === "string" ? [type, ...nested] : nested;
}
