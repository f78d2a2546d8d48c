/**
 * Writes topics.yaml (Strimzi KafkaTopic resources) from packages/contracts/src/topics.ts, the source of truth.
 * Run after changing a topic: `npx tsx --conditions=source infra/k8s/generate-topics.ts`; the manifests test fails until it is current.
 */
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { topics } from "@data-exporter/contracts";
import { stringify } from "yaml";

/** Strimzi cluster the topics belong to (the `strimzi.io/cluster` label) and its durability settings. */
export const kafkaCluster = { name: "data-exporter-kafka", replicas: 3, minInsyncReplicas: 2 } as const;

export const topicsManifestPath = join(dirname(fileURLToPath(import.meta.url)), "topics.yaml");

export function renderTopicsYaml(): string {
  const header = "# GENERATED from packages/contracts/src/topics.ts by infra/k8s/generate-topics.ts: do not edit.\n";
  const documents = Object.values(topics).map((topic) =>
    stringify({
      apiVersion: "kafka.strimzi.io/v1beta2",
      kind: "KafkaTopic",
      metadata: {
        name: topic.name,
        labels: { "strimzi.io/cluster": kafkaCluster.name, "app.kubernetes.io/part-of": "data-exporter" },
        annotations: { "data-exporter/description": topic.description },
      },
      spec: {
        topicName: topic.name,
        partitions: topic.partitions,
        replicas: kafkaCluster.replicas,
        config: {
          "retention.ms": topic.retentionMs,
          "cleanup.policy": topic.cleanupPolicy,
          "min.insync.replicas": kafkaCluster.minInsyncReplicas,
        },
      },
    }),
  );
  return header + documents.join("---\n");
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(topicsManifestPath, renderTopicsYaml());
  process.stdout.write(`wrote ${topicsManifestPath}\n`);
}
