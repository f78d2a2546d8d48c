import { randomBytes } from "node:crypto";
import { demoScales, type SeedParams } from "@data-exporter/demo-data";
import {
  defaultDeployment,
  provisionDeployment,
  stackFromEnv,
  type DeploymentNames,
  type ProvisionedDeployment,
  type WarehouseKind,
} from "./provision.js";
import {
  serviceNames,
  sharingServiceName,
  spawnService,
  waitUntilReady,
  type RunningService,
  type ServiceName,
} from "./services.js";
import { actAsGateway } from "./graphql/client.js";
import { freePort } from "./free-port.js";

/** Region and endpoint of the test stack's AWS emulator, for SDK clients a test builds itself. */
export function awsClientConfig(): { region: string; endpoint: string } {
  const { endpoints } = stackFromEnv();
  return { region: endpoints.awsRegion, endpoint: endpoints.awsEndpointUrl };
}

/** Unique names for one test file: topics, bucket, config tables and schemas never collide with npm start's. */
export function uniqueNames(label: string): DeploymentNames {
  const id = randomBytes(4).toString("hex");
  return {
    ...defaultDeployment,
    topicNamespace: `t-${label}-${id}.`,
    bucket: `de-${label}-${id}`,
    exportEnv: "test",
    configTablePrefix: `t_${id}_`,
    statusSchema: `de_${id}`,
    warehouseSchema: `pm_${id}`,
    snsTopicName: `de-${label}-${id}`,
    notificationQueueName: `de-${label}-${id}-inbox`,
    signingSecretName: `de-${label}-${id}/command-signing`,
    glueDatabase: `de_${id}`,
  };
}

export interface TestDeployment extends ProvisionedDeployment {
  readonly graphqlUrl: string;
  readonly services: RunningService[];
  /** Log lines of every service, for assertions and for a failing test's diagnosis. */
  readonly logs: string[];
  stop(): Promise<void>;
}

/** Quotas high enough that a test's workload, all from one caller, never meets them. */
export const harnessQuotas = { QUOTA_CONCURRENT_EXPORTS: "100000", QUOTA_DAILY_EXPORTS: "1000000" } as const;

/** Provisions an isolated deployment on the test stack and boots the real main.ts of each service. */
export async function startDeployment(options: {
  label: string;
  seed?: SeedParams;
  services?: readonly ServiceName[];
  env?: Record<string, string>;
  /** The warehouse adapter the planner and unloader use (default postgres). */
  warehouse?: WarehouseKind;
  /** Variables of one service only, over `env` (e.g. each service's own Kafka credentials). */
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Runs once the deployment is provisioned, before its services start (e.g. create its topics and ACLs). */
  beforeServices?: (deployment: ProvisionedDeployment) => Promise<void>;
  /** What the services run: their TypeScript sources (default) or `npm run build`'s JavaScript. */
  code?: "sources" | "compiled";
  /** Flags for node of one service (e.g. the bench's --cpu-prof). */
  nodeArgs?: Partial<Record<ServiceName, readonly string[]>>;
}): Promise<TestDeployment> {
  const { endpoints, env } = stackFromEnv();
  const base = await provisionDeployment(
    endpoints,
    uniqueNames(options.label),
    options.seed ?? demoScales.tiny,
    env,
    options.warehouse,
  );
  // A killed consumer's partitions move to the survivors after 6 s instead of 30 s (the crash tests wait for it).
  const provisioned = {
    ...base,
    serviceEnv: {
      ...base.serviceEnv,
      KAFKA_SESSION_TIMEOUT_MS: "6000",
      CONSUMER_LAG_INTERVAL_MS: "500",
      // The harness is one caller (the operator) generating load: no per-caller quota in its way (a test of the
      // quotas sets its own through `env`).
      ...harnessQuotas,
    },
  };
  await options.beforeServices?.(provisioned);
  const logs: string[] = [];
  const services: RunningService[] = [];
  const apiPort = await freePort();
  for (const name of options.services ?? serviceNames) {
    const healthPort = name === "request-api" ? apiPort : await freePort();
    services.push(
      spawnService(name, {
        healthPort,
        env: {
          ...provisioned.serviceEnv,
          LOG_LEVEL: "debug",
          HEALTH_PORT: String(healthPort),
          // The sharing server serves its API and health on one port of its own.
          PORT: String(name === sharingServiceName ? healthPort : apiPort),
          ...options.env,
          ...options.serviceEnv?.[name],
        },
        onLine: (service, line) => void logs.push(`${service} ${line}`),
        ...(options.code === undefined ? {} : { code: options.code }),
        ...(options.nodeArgs?.[name] === undefined ? {} : { nodeArgs: options.nodeArgs[name] }),
      }),
    );
  }
  const stop = async (): Promise<void> => {
    await Promise.all(services.map((service) => service.stop()));
  };
  try {
    await Promise.all(services.map((service) => waitUntilReady(service, 90_000)));
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${logs.slice(-40).join("\n")}`);
  }
  const graphqlUrl = `http://127.0.0.1:${apiPort}/graphql`;
  // The harness's own calls are signed as the gateway's (the operator's identity); the gateway itself, with JWTs,
  // is started by the tests of it (startGateway).
  actAsGateway(graphqlUrl, base.serviceEnv.GATEWAY_HMAC_SECRET ?? "");
  return { ...provisioned, graphqlUrl, services, logs, stop };
}
