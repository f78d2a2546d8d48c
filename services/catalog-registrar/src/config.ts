import { z } from "zod";
import { awsEnv, commonEnvSchema, env, exportBucketEnv, exportEnvEnv, stateDatabaseEnv } from "@data-exporter/runtime";

export const configSchema = commonEnvSchema.extend({
  HEALTH_PORT: env.port().default(4006),
  /** Exporter state database: how each export's registration went (catalog_registrations). */
  ...stateDatabaseEnv,
  /** The export bucket, whose manifests give each table's Parquet schema. */
  ...exportBucketEnv,
  /** Names the default Glue database (`data_exporter_<EXPORT_ENV>`). */
  ...exportEnvEnv,
  ...awsEnv,
  /** Glue database the exports are registered in; default `data_exporter_<EXPORT_ENV>` ('-' becomes '_'). */
  GLUE_DATABASE: z
    .string()
    .regex(/^[a-z0-9_]{1,255}$/, "lower-case letters, digits and '_' only (Athena's rule)")
    .optional(),
  /** AWS account id of the Data Catalog; unset: the account of the service's credentials. */
  GLUE_CATALOG_ID: z
    .string()
    .regex(/^\d{12}$/, "a 12-digit AWS account id")
    .optional(),
  /** Glue's endpoint when it is not AWS_ENDPOINT_URL's (unset: that one, else AWS). */
  GLUE_ENDPOINT_URL: env.url().optional(),
  /**
   * Also register on-demand exports: each table's in `<table>_on_demand`, one partition per request_id. Off by
   * default: their windows overlap and each request may classify columns differently.
   */
  REGISTER_ON_DEMAND: env.bool().default(false),
});

export type Config = z.infer<typeof configSchema>;
