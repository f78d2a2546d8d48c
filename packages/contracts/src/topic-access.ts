import { topics, type TopicKey } from "./topics.js";

/** One consumer group of a Kafka client and the topics it reads (the group named without the deployment's namespace). */
export interface ConsumerGroupAccess {
  readonly group: string;
  readonly topics: readonly TopicKey[];
}

/** What one Kafka client (a service, the trigger) may do: the topics it reads through which groups, and writes. */
export interface TopicAccess {
  readonly consumes: readonly ConsumerGroupAccess[];
  readonly produces: readonly TopicKey[];
}

/**
 * Which topics each Kafka client reads and writes, and the consumer groups it reads them with: the source of the
 * per-client ACLs (applied to the local stack's secured listener; docs/operations.md for a real cluster). Every
 * consumer writes dead letters. Operator tools (dlq, rebuild) replay any topic with throw-away groups and run with
 * an administrator's credentials, so they are not listed.
 */
export const topicAccess = {
  "request-api": { consumes: [], produces: ["exportRequested"] },
  planner: {
    consumes: [
      { group: "data-exporter.planner", topics: ["exportRequested"] },
      { group: "data-exporter.planner.scheduled", topics: ["dailyExportTriggered"] },
    ],
    produces: ["exportLifecycle", "unloadCommands", "deadLetter"],
  },
  unloader: {
    consumes: [
      { group: "data-exporter.unloader", topics: ["unloadCommands"] },
      { group: "data-exporter.unloader.cancellations", topics: ["exportRequested"] },
    ],
    produces: ["exportLifecycle", "deadLetter"],
  },
  "status-tracker": {
    consumes: [
      { group: "data-exporter.status-tracker", topics: ["exportRequested", "dailyExportTriggered", "exportLifecycle"] },
      { group: "data-exporter.status-tracker.dead-letters", topics: ["deadLetter"] },
    ],
    produces: ["exportCompleted", "exportLifecycle", "deadLetter"],
  },
  notifier: {
    consumes: [{ group: "data-exporter.notifier", topics: ["exportCompleted"] }],
    produces: ["deadLetter"],
  },
  "catalog-registrar": {
    consumes: [{ group: "data-exporter.catalog-registrar", topics: ["exportCompleted"] }],
    produces: ["deadLetter"],
  },
  trigger: { consumes: [], produces: ["dailyExportTriggered"] },
} as const satisfies Record<string, TopicAccess>;

export type KafkaClientName = keyof typeof topicAccess;
export const kafkaClientNames = Object.keys(topicAccess) as KafkaClientName[];

/** One permission of a client, in Kafka's ACL terms (a LITERAL resource name, ALLOW from any host). */
export interface TopicAcl {
  readonly resource: "topic" | "group";
  /** Namespaced name. */
  readonly name: string;
  readonly operation: "READ" | "WRITE" | "DESCRIBE" | "DESCRIBE_CONFIGS";
}

/**
 * The ACLs of a client in a deployment (topics and groups prefixed with its TOPIC_NAMESPACE). Besides reading and
 * writing what `topicAccess` lists, every client may DESCRIBE every topic of the project and read its configuration:
 * at start-up it verifies each topic's partitions and retention against its definition (ensureTopics). Nothing
 * grants CREATE: on a secured cluster the topics are created by the platform (infra/k8s/topics.yaml), not services.
 */
export function topicAcls(client: KafkaClientName, namespace = ""): TopicAcl[] {
  const access: TopicAccess = topicAccess[client];
  const topic = (key: TopicKey): string => `${namespace}${topics[key].name}`;
  const acls: TopicAcl[] = [];
  for (const key of Object.keys(topics) as TopicKey[]) {
    acls.push({ resource: "topic", name: topic(key), operation: "DESCRIBE" });
    acls.push({ resource: "topic", name: topic(key), operation: "DESCRIBE_CONFIGS" });
  }
  for (const { group, topics: read } of access.consumes) {
    acls.push({ resource: "group", name: `${namespace}${group}`, operation: "READ" });
    for (const key of read) acls.push({ resource: "topic", name: topic(key), operation: "READ" });
  }
  for (const key of access.produces) acls.push({ resource: "topic", name: topic(key), operation: "WRITE" });
  // A topic read through two groups (status-tracker) is one permission.
  return acls.filter(
    (acl, i) =>
      acls.findIndex((a) => a.resource === acl.resource && a.name === acl.name && a.operation === acl.operation) === i,
  );
}
