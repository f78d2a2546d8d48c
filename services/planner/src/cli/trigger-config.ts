import { z } from "zod";
import { commonEnvSchema, kafkaEnv, tracingEnvSchema } from "@data-exporter/runtime";
import { triggerSources } from "./trigger-args.js";

/** The trigger is a one-shot command: Kafka, logging and tracing only, no health port. */
export const triggerConfigSchema = commonEnvSchema.pick({ LOG_LEVEL: true }).extend({
  ...kafkaEnv,
  /** Recorded in each event when --triggered-by is not given; the CronJob sets cronjob. */
  TRIGGERED_BY: z.enum(triggerSources).optional(),
  // Its DailyExportTriggered starts the scheduled export's trace; exported like the services' spans.
  ...tracingEnvSchema.shape,
});

export type TriggerConfig = z.infer<typeof triggerConfigSchema>;
