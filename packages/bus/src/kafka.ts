import { Kafka } from "kafkajs";
import type { BusLogger, BusLogLevel } from "./logger.js";
import { kafkaLogCreator, kafkaLogLevel } from "./logger.js";
import { BusError } from "./errors.js";
import { kafkaSecurityConfig, type KafkaSecurity } from "./kafka-security.js";

export interface KafkaConnectionOptions {
  /** `host:port` of one or more brokers. */
  readonly brokers: readonly string[];
  /** Client id shown in broker logs and metrics, e.g. the service name. */
  readonly clientId: string;
  /** Receives kafkajs's own log lines; without one kafkajs is silent. */
  readonly logger?: BusLogger | undefined;
  /** Lowest kafkajs level passed to `logger` (default `error`). */
  readonly logLevel?: BusLogLevel | undefined;
  /** How long connecting to a broker may take (default 3 s, or 10 s over TLS). */
  readonly connectionTimeoutMs?: number | undefined;
  readonly requestTimeoutMs?: number | undefined;
  /** TLS and SASL (PLAIN, SCRAM, MSK IAM); none means PLAINTEXT, which only the local stack offers. */
  readonly security?: KafkaSecurity | undefined;
}

/** A kafkajs client wired to the bus logger; share one per process between admin, producer and consumers. */
export function createKafka(options: KafkaConnectionOptions): Kafka {
  if (options.brokers.length === 0) throw new BusError("INVALID_OPTION", "at least one broker is required");
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    logLevel: kafkaLogLevel(options.logger, options.logLevel),
    logCreator: kafkaLogCreator(options.logger),
    // A TLS connection is not made until its handshake (and SASL's round trips) finished: allow it longer.
    connectionTimeout: options.connectionTimeoutMs ?? (options.security?.tls === undefined ? 3000 : 10_000),
    requestTimeout: options.requestTimeoutMs ?? 30000,
    ...kafkaSecurityConfig(options.security),
  });
}
