import { z } from "zod";
import { commonEnvSchema, env } from "@data-exporter/runtime";

export const configSchema = commonEnvSchema.extend({
  HEALTH_PORT: env.port().default(4004),
  /** Exporter state database (request_table, table_export_job_statuses). */
  DATABASE_URL: env.url(),
  STATUS_SCHEMA: z.string().default("de_internal"),
});

export type Config = z.infer<typeof configSchema>;
