import { computeConfigVersion, type ClassificationPolicy } from "@data-exporter/classification";
import type { ExportConfigStore } from "@data-exporter/config-store";

/**
 * The configuration version the planner would plan with now: the same hash of the same DynamoDB tables and the
 * same deployment policy (PII_DENY_PATTERNS), read afresh each time (rules change during an incident).
 */
export function currentConfigVersion(store: ExportConfigStore, policy: ClassificationPolicy): () => Promise<string> {
  return async () => {
    const config = await store.load();
    return computeConfigVersion({ tables: config.tables, rules: config.rules, policy });
  };
}
