import { pino, type Logger } from "pino";

export type { Logger };

/**
 * Structured JSON logs; secrets are redacted wherever they appear under these keys. Services log to stdout; a
 * command whose stdout is its result (the trigger with --json) logs to stderr.
 */
export function createLogger(options: { service: string; level: string; toStderr?: boolean }): Logger {
  const destination = pino.destination({ fd: options.toStderr === true ? 2 : 1, sync: true });
  return pino(
    {
      name: options.service,
      level: options.level,
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          "*.password",
          "*.secret",
          "*.hashKey",
          "*.HASH_KEY",
          "*.KAFKA_SASL_PASSWORD",
          "*.accessKeyId",
          "*.secretAccessKey",
          "*.DATABASE_URL",
          "*.MIGRATION_DATABASE_URL",
          "*.WAREHOUSE_URL",
        ],
        censor: "[redacted]",
      },
    },
    destination,
  );
}
