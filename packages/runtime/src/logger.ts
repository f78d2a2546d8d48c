import { pino, type Logger } from "pino";

export type { Logger };

/** Structured JSON logs; secrets are redacted wherever they appear under these keys. */
export function createLogger(options: { service: string; level: string }): Logger {
  return pino({
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
        "*.accessKeyId",
        "*.secretAccessKey",
        "*.DATABASE_URL",
        "*.WAREHOUSE_URL",
      ],
      censor: "[redacted]",
    },
  });
}
