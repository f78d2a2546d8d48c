import type { z } from "zod";
import { commonEnvSchema, deadlineEnv, env, stateDatabaseEnv, stuckAfterEnv } from "@data-exporter/runtime";

export const configSchema = commonEnvSchema.extend({
  HEALTH_PORT: env.port().default(4004),
  /** Exporter state database: the read model this service owns (request_table, table_export_job_statuses). */
  ...stateDatabaseEnv,
  /** A running table whose unloader lease lapsed (no renewal for this long) is failed as stuck. */
  ...stuckAfterEnv,
  ...deadlineEnv,
  /** How often stuck tables and overdue exports are looked for. */
  SWEEP_INTERVAL_MS: env.positiveInt().min(100).default(15_000),
});

export type Config = z.infer<typeof configSchema>;
