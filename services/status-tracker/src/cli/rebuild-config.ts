import { z } from "zod";
import { env, kafkaEnv, stateDatabaseEnv } from "@data-exporter/runtime";

/**
 * The rebuild is a one-shot command: Kafka, the exporter's database and logging, no health port. STATUS_SCHEMA
 * names the live read model, which it refuses to write into. Its logs (stderr) default to warnings: the handlers'
 * per-export lines would retell history as if it happened now.
 */
export const rebuildConfigSchema = z.object({
  ...kafkaEnv,
  ...stateDatabaseEnv,
  LOG_LEVEL: env.logLevel().default("warn"),
});

export type RebuildConfig = z.infer<typeof rebuildConfigSchema>;
