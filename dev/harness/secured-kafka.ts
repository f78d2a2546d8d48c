import { readFileSync } from "node:fs";
import kafkajs, { type Kafka } from "kafkajs";
import { ensureTopics, grantAcls, kafkaSecurityConfig, type KafkaSecurity } from "@data-exporter/bus";
import { kafkaClientNames, topicAcls, topics } from "@data-exporter/contracts";
import { kafkaAdminUser, kafkaSecurityFiles, passwordFile, type KafkaSecurityFiles } from "../stack/kafka-security.js";

const { Kafka: KafkaClient, logLevel } = kafkajs;

/** The test stack's SASL_SSL listener (KAFKA_SECURE_BROKERS and KAFKA_SECURE_DIR, which the jest global setup exports). */
export function securedListener(): { brokers: string; files: KafkaSecurityFiles } {
  const brokers = process.env.KAFKA_SECURE_BROKERS;
  const dir = process.env.KAFKA_SECURE_DIR;
  if (!brokers || !dir)
    throw new Error(
      "KAFKA_SECURE_BROKERS/KAFKA_SECURE_DIR are not set: the test stack serves the secured Kafka listener unless " +
        "KAFKA_SECURITY=none or KAFKA_BROKERS points elsewhere",
    );
  return { brokers, files: kafkaSecurityFiles(dir) };
}

/** The variables that make a service (or the trigger) connect as `user` through the secured listener. */
export function securedClientEnv(user: string): Record<string, string> {
  const { brokers, files } = securedListener();
  return {
    KAFKA_BROKERS: brokers,
    KAFKA_SSL: "true",
    KAFKA_SSL_CA_FILE: files.ca,
    KAFKA_SASL_MECHANISM: "scram-sha-512",
    KAFKA_SASL_USERNAME: user,
    KAFKA_SASL_PASSWORD_FILE: passwordFile(files, user),
  };
}

/** The local password of a user of the secured listener. */
export function localPassword(user: string): string {
  return readFileSync(passwordFile(securedListener().files, user), "utf8").trim();
}

/** The bus's security settings of `user`: TLS trusting the local CA, SCRAM-SHA-512 with its password. */
export function securityOf(user: string, password = localPassword(user)): KafkaSecurity {
  return {
    tls: { ca: readFileSync(securedListener().files.ca, "utf8") },
    sasl: { mechanism: "scram-sha-512", username: user, password },
  };
}

/**
 * A kafkajs client of the secured listener with the bus's security mapping and no retries: a refusal surfaces at
 * once as the error the broker or TLS gave. `brokerErrors` collects the Kafka error codes kafkajs logs, for the
 * refusals it wraps in an error of its own (a group it may not use becomes "Failed to find group coordinator").
 */
export function securedKafka(clientId: string, security: KafkaSecurity | undefined, brokerErrors?: string[]): Kafka {
  return new KafkaClient({
    clientId,
    brokers: securedListener().brokers.split(","),
    logLevel: brokerErrors === undefined ? logLevel.NOTHING : logLevel.DEBUG,
    logCreator: () => (entry) => {
      const type = (entry.log as { error?: { type?: unknown } }).error?.type;
      if (typeof type === "string") brokerErrors?.push(type);
    },
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    retry: { retries: 0 },
    ...kafkaSecurityConfig(security),
  });
}

/**
 * What the platform does before the services of a deployment start on a secured cluster: as the administrator,
 * creates the deployment's topics and grants each Kafka client the ACLs of its topicAccess (principal User:<client>).
 */
export async function prepareSecuredTopics(namespace: string): Promise<void> {
  const admin = securedKafka("e2e-secured-admin", securityOf(kafkaAdminUser)).admin();
  await admin.connect();
  try {
    await ensureTopics(admin, Object.values(topics), { namespace });
    for (const client of kafkaClientNames) await grantAcls(admin, `User:${client}`, topicAcls(client, namespace));
  } finally {
    await admin.disconnect();
  }
}
