import type { logCreator } from "kafkajs";
import { logLevel } from "kafkajs";

/** The logging interface the bus accepts (pino's signature: attributes first). Libraries never log by themselves. */
export interface BusLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export type BusLogLevel = "error" | "warn" | "info" | "debug";

const levels: Readonly<Record<BusLogLevel, logLevel>> = {
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
};

/** kafkajs's log level for a logger and threshold: nothing at all without a logger. */
export function kafkaLogLevel(logger: BusLogger | undefined, level: BusLogLevel = "error"): logLevel {
  return logger ? levels[level] : logLevel.NOTHING;
}

/** Errors kafkajs recovers from by itself (a broker still loading its group coordinator, a consumer restart). */
const selfHealing = /coordinator is (not available|loading)|Restarting the consumer|rebalanc/i;

function isSelfHealing(message: string, extra: Record<string, unknown>): boolean {
  return (
    extra["retryTime"] !== undefined ||
    selfHealing.test(message) ||
    (typeof extra["error"] === "string" && selfHealing.test(extra["error"]))
  );
}

/**
 * Routes kafkajs's internal log lines to `logger`; kafkajs filters by level before calling it. Errors kafkajs
 * retries by itself are reported as warnings without their stack: they are normal right after a broker starts.
 */
export function kafkaLogCreator(logger: BusLogger | undefined): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      if (!logger) return;
      const { message, ...extra } = log;
      // The logger stamps its own time; kafkajs's would be a second, differently formatted one.
      const obj: Record<string, unknown> = { ...extra, kafkajs: namespace };
      delete obj["timestamp"];
      if (level === logLevel.ERROR && isSelfHealing(message, extra)) {
        delete obj["stack"];
        logger.warn(obj, message);
      } else if (level === logLevel.ERROR) logger.error(obj, message);
      else if (level === logLevel.WARN) logger.warn(obj, message);
      else if (level === logLevel.INFO) logger.info(obj, message);
      else logger.debug(obj, message);
    };
}
