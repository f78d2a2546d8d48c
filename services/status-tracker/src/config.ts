import type { z } from "zod";
import { commonEnvSchema, env, stateDatabaseEnv } from "@data-exporter/runtime";

export const configSchema = commonEnvSchema.extend({
  HEALTH_PORT: env.port().default(4004),
  /** Exporter state database: the read model this service owns (request_table, table_export_job_statuses). */
  ...stateDatabaseEnv,
});

export type Config = z.infer<typeof configSchema>;
