/**
 * The testcontainers stack (TEST_STACK=testcontainers) as data: which image each component runs, with which
 * environment and ports, and the variables that point the suite at it. Pure, so the mapping is unit-tested without
 * a Docker engine; containers.ts hands it to testcontainers.
 */
import type { StackPorts } from "../ports.js";
import { serviceRoleNames, warehouseReaderRole, type ServiceWithRole } from "@data-exporter/postgres";
import { exporterDatabase, warehouseDatabase } from "../postgres.js";
import { serviceUrlVariable } from "../postgres-roles.js";

/** The components that run as containers; the Redshift Data API emulator stays a local process. */
export const containerNames = ["kafka", "postgres", "moto"] as const;
export type ContainerName = (typeof containerNames)[number];

/** The images, at the versions the local stack runs (docker-compose.yml runs the same; its test checks it). */
export function containerImages(kafkaVersion: string): Record<ContainerName, string> {
  return { kafka: `apache/kafka:${kafkaVersion}`, postgres: "postgres:15", moto: "motoserver/moto:5.2.5" };
}

/** How one container is started and when it is ready. */
export interface ContainerSpec {
  readonly image: string;
  readonly env: Readonly<Record<string, string>>;
  /**
   * The port inside the container and the one it is published on. Fixed rather than random: Kafka must advertise
   * the address clients reach it at before it starts, and the stack's ports (STACK_*_PORT) stay the rule.
   */
  readonly port: { readonly container: number; readonly host: number };
  /** The container is ready once its log has this line this many times, or answers HTTP on its port. */
  readonly ready: { readonly log: RegExp; readonly times: number } | { readonly httpPath: string };
}

export interface ContainerStackOptions {
  readonly kafkaVersion: string;
  /** The profile's ports (STACK_*_PORT honoured): the containers are published on them. */
  readonly ports: StackPorts;
  /** Where the engine publishes ports: localhost for a local socket, the engine's host for a remote one. */
  readonly engineHost: string;
  /** The postgres user's password (the image refuses to start without one, and its port is published). */
  readonly postgresPassword: string;
}

/** Kafka's broker settings as the apache/kafka image takes them (KAFKA_A_B for a.b), the local stack's tuning. */
function kafkaEnv(advertised: string): Record<string, string> {
  return {
    KAFKA_NODE_ID: "1",
    KAFKA_PROCESS_ROLES: "broker,controller",
    // PLAINTEXT for clients on the host; BROKER for the broker's own connections inside the container.
    KAFKA_LISTENERS: "PLAINTEXT://:9092,BROKER://:9094,CONTROLLER://:9093",
    KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${advertised},BROKER://localhost:9094`,
    KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: "PLAINTEXT:PLAINTEXT,BROKER:PLAINTEXT,CONTROLLER:PLAINTEXT",
    KAFKA_INTER_BROKER_LISTENER_NAME: "BROKER",
    KAFKA_CONTROLLER_LISTENER_NAMES: "CONTROLLER",
    KAFKA_CONTROLLER_QUORUM_VOTERS: "1@localhost:9093",
    // As dev/stack/kafka.ts configures the local broker.
    KAFKA_NUM_PARTITIONS: "3",
    KAFKA_AUTO_CREATE_TOPICS_ENABLE: "false",
    KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: "1",
    KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS: "10",
    KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: "1",
    KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: "1",
    KAFKA_TRANSACTION_STATE_LOG_NUM_PARTITIONS: "10",
    KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: "1",
    KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: "1",
    KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: "0",
    KAFKA_HEAP_OPTS: "-Xms256m -Xmx512m",
  };
}

/** The three containers of the testcontainers stack. */
export function containerSpecs(options: ContainerStackOptions): Record<ContainerName, ContainerSpec> {
  const images = containerImages(options.kafkaVersion);
  const { ports, engineHost } = options;
  return {
    kafka: {
      image: images.kafka,
      env: kafkaEnv(`${engineHost}:${ports.kafka}`),
      port: { container: 9092, host: ports.kafka },
      ready: { log: /Kafka Server started/, times: 1 },
    },
    postgres: {
      image: images.postgres,
      env: { POSTGRES_PASSWORD: options.postgresPassword },
      port: { container: 5432, host: ports.postgres },
      // The image's entry point starts the server twice: once to run its init scripts, then for real.
      ready: { log: /database system is ready to accept connections/, times: 2 },
    },
    moto: {
      image: images.moto,
      env: {},
      port: { container: 5000, host: ports.moto },
      ready: { httpPath: "/" },
    },
  };
}

/**
 * The variables that point the stack at the containers. dev/stack/stack.ts treats each as an external component,
 * so ensureStack then provisions only the Redshift Data API emulator (and DuckDB's extension) next to them, and
 * stackEnv gives the suite the same variables as with the local stack.
 */
export function containerStackEnv(options: ContainerStackOptions): Record<string, string> {
  const { ports, engineHost } = options;
  // The per-service logins share the container's one-off password (containers.ts creates them).
  const login = (role: string, database: string): string =>
    `postgres://${role}:${encodeURIComponent(options.postgresPassword)}@${engineHost}:${ports.postgres}/${database}`;
  const postgres = (database: string): string => login("postgres", database);
  return {
    KAFKA_BROKERS: `${engineHost}:${ports.kafka}`,
    DATABASE_URL: postgres(exporterDatabase),
    WAREHOUSE_URL: postgres(warehouseDatabase),
    POSTGRES_ADMIN_URL: postgres("postgres"),
    MIGRATION_DATABASE_URL: postgres(exporterDatabase),
    ...Object.fromEntries(
      (Object.entries(serviceRoleNames) as [ServiceWithRole, string][]).map(([service, role]) => [
        serviceUrlVariable(service),
        login(role, exporterDatabase),
      ]),
    ),
    WAREHOUSE_READER_URL: login(warehouseReaderRole, warehouseDatabase),
    AWS_ENDPOINT_URL: `http://${engineHost}:${ports.moto}`,
  };
}
