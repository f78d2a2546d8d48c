import type { z } from "zod";
import {
  awsEnv,
  classificationEnv,
  commandSigningEnv,
  commonEnvSchema,
  deadlineEnv,
  env,
  exportBucketEnv,
  exportEnvEnv,
  stateDatabaseEnv,
  warehouseEnv,
  warehouseProblems,
} from "@data-exporter/runtime";

export const configSchema = commonEnvSchema
  .extend({
    HEALTH_PORT: env.port().default(4002),
    /** The warehouse whose tables are described (columns and types): PostgreSQL or Redshift's Data API. */
    ...warehouseEnv,
    /** Exporter state database: the planner's own tables (scheduled_export_dates, planned_requests). */
    ...stateDatabaseEnv,
    /** Named in ExportPlanned; the planner itself writes no object. */
    EXPORT_BUCKET: exportBucketEnv.EXPORT_BUCKET,
    ...exportEnvEnv,
    /** DynamoDB, where the export configuration lives. */
    ...awsEnv,
    /** A request older than this is not planned: the status tracker has failed it (or is about to). */
    ...deadlineEnv,
    ...classificationEnv,
    /** Every UnloadTableCommand is signed with the AWSCURRENT version of this secret. */
    ...commandSigningEnv,
  })
  .superRefine((config, ctx) => {
    for (const problem of warehouseProblems(config))
      ctx.addIssue({ code: "custom", path: [problem.path], message: problem.message });
  });

export type Config = z.infer<typeof configSchema>;
