/**
 * TEST_STACK=testcontainers: Kafka, PostgreSQL and moto from images (specs.ts) through testcontainers, on a machine
 * with a Docker engine. Fails at once, in one sentence, where there is none (docker-engine.ts).
 */
import { randomBytes } from "node:crypto";
import { homedir } from "node:os";
import { StackError } from "../errors.js";
import { kafkaVersion } from "../kafka.js";
import type { Profile } from "../paths.js";
import { isPortOpen, stackPorts } from "../ports.js";
import { ensureDatabases, exporterDatabase, warehouseDatabase } from "../postgres.js";
import { ensureLocalRoles, rolePasswordsFromEnv } from "../postgres-roles.js";
import { findDockerEngine } from "./docker-engine.js";
import { containerNames, containerSpecs, containerStackEnv, type ContainerSpec } from "./specs.js";

export interface ContainerStack {
  /** KAFKA_BROKERS, DATABASE_URL, WAREHOUSE_URL, POSTGRES_ADMIN_URL, AWS_ENDPOINT_URL of the containers. */
  readonly env: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

export async function startContainerStack(
  profile: Profile,
  opts: { env?: NodeJS.ProcessEnv; log?: (message: string) => void } = {},
): Promise<ContainerStack> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? (() => undefined);
  const engine = await findDockerEngine(env, homedir());
  // testcontainers finds the engine itself; pointing it at the one found keeps the two in agreement.
  process.env.DOCKER_HOST ??= engine;
  const { GenericContainer, Wait, getContainerRuntimeClient } = await import("testcontainers");
  const client = await getContainerRuntimeClient();
  const options = {
    kafkaVersion,
    ports: stackPorts(profile, env),
    engineHost: client.info.containerRuntime.host,
    postgresPassword: randomBytes(12).toString("hex"),
  };
  const specs = containerSpecs(options);
  const local = ["localhost", "127.0.0.1", "::1"].includes(options.engineHost);
  for (const name of containerNames)
    if (local && (await isPortOpen(specs[name].port.host)))
      throw new StackError(
        "PORT_IN_USE",
        `testcontainers: port ${specs[name].port.host} (${name}) is in use; stop the local test stack ` +
          "(npm run stack -- down --profile test) or move it with STACK_*_PORT",
        { component: name },
      );

  const start = (spec: ContainerSpec) =>
    new GenericContainer(spec.image)
      .withEnvironment({ ...spec.env })
      .withExposedPorts({ container: spec.port.container, host: spec.port.host })
      .withWaitStrategy(
        "log" in spec.ready
          ? Wait.forLogMessage(spec.ready.log, spec.ready.times)
          : Wait.forHttp(spec.ready.httpPath, spec.port.container).forStatusCodeMatching(() => true),
      )
      .withStartupTimeout(180_000)
      .start();
  const started = await Promise.allSettled(
    containerNames.map(async (name) => {
      log(`${name}: starting ${specs[name].image} on ${options.engineHost}:${specs[name].port.host}`);
      return start(specs[name]);
    }),
  );
  const running = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const stop = async (): Promise<void> => {
    await Promise.all(running.map((container) => container.stop()));
  };
  try {
    const failed = started.find((s) => s.status === "rejected");
    if (failed !== undefined) throw failed.reason;
    const stackEnv = containerStackEnv(options);
    // The same databases (and whatever else the local stack creates) as dev/stack does for its PostgreSQL.
    await ensureDatabases(stackEnv.POSTGRES_ADMIN_URL ?? "", stackEnv.WAREHOUSE_URL ?? "");
    await ensureLocalRoles(
      stackEnv.POSTGRES_ADMIN_URL ?? "",
      rolePasswordsFromEnv(stackEnv),
      { exporter: exporterDatabase, warehouse: warehouseDatabase },
      { installHba: false },
    );
    return { env: stackEnv, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw new StackError("PROVISION_FAILED", `testcontainers: ${(error as Error).message}`, {
      cause: error,
      component: "testcontainers",
    });
  }
}
