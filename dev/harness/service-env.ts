/**
 * The environment each process of a local deployment gets, as pure functions of the deployment's names and the
 * stack's endpoints: `npm start` and the test harness spawn processes with it, and the compose test
 * (infra/docker/test/docker-compose.test.ts) checks docker-compose.yml gives each container the same.
 */
import type { DeploymentNames } from "./provision.js";
import { serviceDatabaseEnv } from "./service-database-env.js";
import { serviceNames, type ServiceName } from "./services.js";

/** The fixed secrets of a local deployment: known to everyone, so for the local demo only. */
export const localSecrets = {
  // Deployments take it from a secret store.
  HASH_KEY: "local-demo-hash-key-not-a-secret",
  // The secret the local gateway signs subgraph requests with, and request-api checks.
  GATEWAY_HMAC_SECRET: "local-gateway-hmac-secret-not-a-secret-0123456789",
} as const;

export interface DeploymentEnvInputs {
  /** What the stack's endpoints are as variables (dev/stack/stack.ts stackEnv). */
  readonly stackEnv: Readonly<Record<string, string>>;
  /** The warehouse adapter's variables (provision.ts warehouseServiceEnv). */
  readonly warehouseEnv: Readonly<Record<string, string>>;
  readonly names: DeploymentNames;
  /** The ARN the AWS emulator gave the notification topic. */
  readonly snsTopicArn: string;
}

/** Environment of every service of one deployment (each takes what its config schema names). */
export function deploymentServiceEnv(inputs: DeploymentEnvInputs): Record<string, string> {
  const { names } = inputs;
  return {
    ...inputs.stackEnv,
    ...inputs.warehouseEnv,
    TOPIC_NAMESPACE: names.topicNamespace,
    EXPORT_BUCKET: names.bucket,
    EXPORT_ENV: names.exportEnv,
    CONFIG_TABLE_PREFIX: names.configTablePrefix,
    STATUS_SCHEMA: names.statusSchema,
    SNS_TOPIC_ARN: inputs.snsTopicArn,
    GLUE_DATABASE: names.glueDatabase,
    S3_FORCE_PATH_STYLE: "true",
    COMMAND_SIGNING_SECRET_ID: names.signingSecretName,
    ...localSecrets,
    LOG_LEVEL: "info",
  };
}

/**
 * npm start's ports: request-api serves GraphQL and health on `apiPort`; the others serve health on the next
 * four ports, so moving REQUEST_API_PORT moves all five.
 */
export function startHealthPorts(apiPort: number): Record<ServiceName, number> {
  return Object.fromEntries(serviceNames.map((name, i) => [name, apiPort + i])) as Record<ServiceName, number>;
}

/** What npm start gives one service: the deployment's environment with its own database logins, and its ports. */
export function startServiceEnv(
  name: ServiceName,
  serviceEnv: Readonly<Record<string, string>>,
  apiPort: number,
): Record<string, string> {
  return {
    ...serviceDatabaseEnv(name, serviceEnv),
    HEALTH_PORT: String(startHealthPorts(apiPort)[name]),
    PORT: String(apiPort),
  };
}

/** How the gateway is set up (services/gateway/src/gateway-env.ts reads the result). */
export interface GatewayEnvInputs {
  /** PEM public key the callers' RS256 tokens are verified with. */
  readonly publicKeyFile: string;
  /** Shared with request-api (GATEWAY_HMAC_SECRET). */
  readonly hmacSecret: string;
  /** GraphiQL and introspection (a developer's machine). */
  readonly devTools: boolean;
  /** request-api's origin, whose /exports page the gateway serves; none: no page. */
  readonly statusPageUrl?: string | undefined;
}

/** How npm start sets up its gateway: its dev issuer's key, the deployment's secret, GraphiQL on. */
export function startGatewayAuth(
  publicKeyFile: string,
  serviceEnv: Readonly<Record<string, string>>,
): Omit<GatewayEnvInputs, "statusPageUrl"> {
  return { publicKeyFile, hmacSecret: serviceEnv.GATEWAY_HMAC_SECRET ?? "", devTools: true };
}

/** The gateway process's own variables (on top of the caller's environment). */
export function gatewayEnv(inputs: GatewayEnvInputs): Record<string, string> {
  return {
    NO_COLOR: "1",
    JWT_PUBLIC_KEY_FILE: inputs.publicKeyFile,
    GATEWAY_HMAC_SECRET: inputs.hmacSecret,
    GATEWAY_DEV_TOOLS: String(inputs.devTools),
    ...(inputs.statusPageUrl === undefined ? {} : { STATUS_PAGE_URL: inputs.statusPageUrl }),
  };
}
