/**
 * docker-compose.yml kept in step with `npm start`, which cannot be compared by running both here (no Docker
 * daemon): the same processes, each with the variables npm start gives it (dev/harness/service-env.ts, the values
 * too where they do not name a host or port), and every published port on 127.0.0.1 only.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "@jest/globals";
import { parse } from "yaml";
import type { z } from "zod";
import { gatewayEnvSchema } from "../../../services/gateway/src/gateway-env.js";
import { configSchema as notifierConfig } from "../../../services/notifier/src/config.js";
import { configSchema as catalogRegistrarConfig } from "../../../services/catalog-registrar/src/config.js";
import { configSchema as plannerConfig } from "../../../services/planner/src/config.js";
import { configSchema as requestApiConfig } from "../../../services/request-api/src/config.js";
import { configSchema as sharingServerConfig } from "../../../services/sharing-server/src/config.js";
import { parseSharingConfig } from "../../../services/sharing-server/src/domain/sharing-config.js";
import { configSchema as statusTrackerConfig } from "../../../services/status-tracker/src/config.js";
import { configSchema as unloaderConfig } from "../../../services/unloader/src/config.js";
import { defaultDeployment, warehouseServiceEnv, type WarehouseKind } from "../../../dev/harness/provision.js";
import {
  deploymentServiceEnv,
  gatewayEnv,
  startGatewayAuth,
  startHealthPorts,
  startServiceEnv,
} from "../../../dev/harness/service-env.js";
import { serviceDatabaseEnv } from "../../../dev/harness/service-database-env.js";
import { serviceNames, sharingServiceName } from "../../../dev/harness/services.js";
import { kafkaVersion } from "../../../dev/stack/kafka.js";
import { profileDirs, repoRoot } from "../../../dev/stack/paths.js";
import { redshiftEmulatorEnv } from "../../../dev/stack/redshift.js";
import { componentNames, stackEnv, stackEndpoints } from "../../../dev/stack/stack.js";

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
}

// Compose resolves YAML merge keys (<<); yaml 2 does only when asked.
const compose = parse(readFileSync(join(repoRoot, "docker-compose.yml"), "utf8"), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const dockerfile = readFileSync(join(repoRoot, "infra/docker/Dockerfile"), "utf8");

/** `${NAME:-default}` as compose substitutes it, from `vars` or else the default (plain `docker compose up`). */
export function interpolate(value: string, vars: Readonly<Record<string, string>> = {}): string {
  return value.replace(/\$\{([A-Z_][A-Z0-9_]*)(?::-([^}]*))?\}/g, (whole, name: string, fallback?: string) => {
    const chosen = vars[name] ?? fallback;
    if (chosen === undefined)
      throw new Error(`${whole} has no default: plain \`docker compose up\` would leave it empty`);
    return chosen;
  });
}

function composeEnv(service: string, vars: Readonly<Record<string, string>> = {}): Record<string, string> {
  const environment = compose.services[service]?.environment;
  if (environment === undefined) throw new Error(`docker-compose.yml has no environment for ${service}`);
  return Object.fromEntries(Object.entries(environment).map(([k, v]) => [k, interpolate(String(v), vars)]));
}

/** How a container's variables may differ from what npm start gives the same process. */
export interface Differences {
  /** Variables only the container has, each with why. */
  readonly composeOnly?: readonly string[];
  /** Variables the image sets (infra/docker/Dockerfile ENV), not compose. */
  readonly fromImage?: readonly string[];
  /** Variables naming an endpoint: a host, port, path in the container or credentials differ, nothing else. */
  readonly endpoints?: readonly string[];
}

/** Every difference between npm start's environment of a process and compose's of its container, as sentences. */
export function envDrift(
  npmStart: Readonly<Record<string, string>>,
  container: Readonly<Record<string, string>>,
  allowed: Differences = {},
): string[] {
  const problems: string[] = [];
  const fromImage = new Set(allowed.fromImage ?? []);
  const composeOnly = new Set(allowed.composeOnly ?? []);
  const endpoints = new Set(allowed.endpoints ?? []);
  for (const [name, value] of Object.entries(npmStart)) {
    if (fromImage.has(name)) {
      if (name in container) problems.push(`${name} is set by the image; compose should not set it too`);
      continue;
    }
    if (!(name in container)) problems.push(`${name} is missing (npm start sets it)`);
    else if (endpoints.has(name)) {
      const drift = endpointDrift(value, container[name] ?? "");
      if (drift !== undefined) problems.push(`${name}: ${drift}`);
    } else if (container[name] !== value) problems.push(`${name} is "${container[name]}", npm start gives "${value}"`);
  }
  for (const name of Object.keys(container))
    if (!(name in npmStart) && !composeOnly.has(name)) problems.push(`${name} is set only by compose`);
  return problems;
}

/** A URL (scheme://…), as opposed to host:port (Kafka's brokers) or an ARN. */
const isUrl = (text: string): boolean => text.includes("://") && URL.canParse(text);

/** An endpoint may name another host, port and credentials; a URL's path (database, file) must stay the same. */
function endpointDrift(npmStart: string, container: string): string | undefined {
  if (container === "") return "is empty";
  const parsed = (text: string): URL | undefined => (isUrl(text) ? new URL(text) : undefined);
  const [a, b] = [parsed(npmStart), parsed(container)];
  if (a === undefined || b === undefined) return undefined;
  if (a.protocol !== b.protocol) return `scheme ${b.protocol} where npm start has ${a.protocol}`;
  if (a.pathname !== b.pathname) return `path ${b.pathname} where npm start has ${a.pathname}`;
  // A database login is a role: the same role in both (its password may differ).
  if (a.protocol === "postgres:" && a.username !== b.username)
    return `user ${b.username} where npm start has ${a.username}`;
  return undefined;
}

// What npm start gives its processes (dev/commands/start.ts), from the dev profile's default endpoints.
const { endpoints } = stackEndpoints("dev", {});
const npmStartStack = stackEnv(endpoints);
const apiPort = 4001;
const snsTopicArn = `arn:aws:sns:${endpoints.awsRegion}:123456789012:${defaultDeployment.snsTopicName}`;
const npmStartDeployment = (warehouse: WarehouseKind): Record<string, string> =>
  deploymentServiceEnv({
    stackEnv: npmStartStack,
    warehouseEnv: warehouseServiceEnv(warehouse, endpoints),
    names: defaultDeployment,
    snsTopicArn,
  });
const npmStartService = (name: (typeof serviceNames)[number], warehouse: WarehouseKind): Record<string, string> =>
  startServiceEnv(name, npmStartDeployment(warehouse), apiPort);
/** npm start's Delta Sharing port (DELTA_SHARING_PORT's default in dev/commands/start.ts). */
const sharingPort = 4080;
/** The sharing server's environment as dev/commands/start.ts spawns it (built inline there, so rebuilt here). */
const npmStartSharing = (warehouse: WarehouseKind): Record<string, string> => ({
  ...serviceDatabaseEnv(sharingServiceName, npmStartDeployment(warehouse)),
  PORT: String(sharingPort),
  SHARING_CONFIG_FILE: join(profileDirs("dev").root, "delta-sharing.json"),
});
// npm start's stack endpoints, which in compose name the containers instead.
const stackEndpointNames = [
  "KAFKA_BROKERS",
  "DATABASE_URL",
  "WAREHOUSE_URL",
  "POSTGRES_ADMIN_URL",
  "MIGRATION_DATABASE_URL",
  "WAREHOUSE_READER_URL",
  ...Object.keys(npmStartStack).filter((k) => k.endsWith("_DATABASE_URL")),
];
const endpointNames = [...stackEndpointNames, "AWS_ENDPOINT_URL", "REDSHIFT_DATA_ENDPOINT"];
const fromImage = ["DUCKDB_POSTGRES_EXTENSION", "DUCKDB_HMAC_EXTENSION"];
// Under WAREHOUSE=postgres compose still carries the Redshift adapter's variables (unread), so that
// `WAREHOUSE=redshift docker compose up` needs nothing else.
const redshiftOnly = (name: (typeof serviceNames)[number]): string[] =>
  Object.keys(npmStartService(name, "redshift")).filter((k) => !(k in npmStartService(name, "postgres")));
const redshiftOnlySharing = Object.keys(npmStartSharing("redshift")).filter((k) => !(k in npmStartSharing("postgres")));

/** The public token of the demo recipient in infra/docker/delta-sharing.example.json (local only, documented). */
const demoSharingToken = "local-demo-sharing-token-not-a-secret";

/** The containers compose runs for each of npm start's processes. */
const processes = [...componentNames, "init", ...serviceNames, sharingServiceName, "gateway"];

describe("docker-compose.yml", () => {
  it("runs every process npm start runs: the stack, the provisioning, the services, the sharing server and the gateway", () => {
    expect(Object.keys(compose.services).sort()).toEqual([...processes].sort());
  });

  it("publishes every port on 127.0.0.1 only, at npm start's ports", () => {
    const published = Object.entries(compose.services).flatMap(([, s]) => s.ports ?? []);
    expect(published.filter((p) => !p.startsWith("127.0.0.1:"))).toEqual([]);
    const hostPorts = published.map((p) => Number(p.split(":")[1])).sort((a, b) => a - b);
    const healthPorts = Object.values(startHealthPorts(apiPort));
    expect(hostPorts).toEqual([4000, ...healthPorts, sharingPort, 4010, 5000, 5432, 9092].sort((a, b) => a - b));
  });

  it("advertises plaintext Kafka to the host on loopback and gives PostgreSQL a password", () => {
    const kafka = compose.services.kafka?.environment ?? {};
    expect(kafka.KAFKA_ADVERTISED_LISTENERS).toContain("EXTERNAL://127.0.0.1:9092");
    const postgres = composeEnv("postgres");
    expect(postgres.POSTGRES_HOST_AUTH_METHOD).toBeUndefined();
    expect(postgres.POSTGRES_PASSWORD?.length).toBeGreaterThan(0);
    // Every URL into it carries the same password (POSTGRES_PASSWORD overrides the local default everywhere).
    const urls = composeEnv("planner", { POSTGRES_PASSWORD: "other" });
    for (const name of ["DATABASE_URL", "WAREHOUSE_URL", "MIGRATION_DATABASE_URL"])
      expect(new URL(urls[name] ?? "").password).toBe("other");
    const init = composeEnv("init", { POSTGRES_PASSWORD: "other" });
    for (const name of Object.keys(init).filter((k) => k.endsWith("_URL") && k !== "AWS_ENDPOINT_URL"))
      expect({ name, password: new URL(init[name] ?? "").password }).toEqual({ name, password: "other" });
  });

  it("runs the stack's images, at the versions dev/stack runs", () => {
    expect(compose.services.kafka?.image).toBe(`apache/kafka:${kafkaVersion}`);
    expect(compose.services.postgres?.image).toBe("postgres:15");
    expect(compose.services.moto?.image).toBe("motoserver/moto:5.2.5");
  });

  it.each(serviceNames.map((name) => [name]))(
    "builds %s from the shared Dockerfile and runs its default command",
    (name) => {
      const service = compose.services[name];
      expect(service?.build).toEqual({ context: ".", dockerfile: "infra/docker/Dockerfile", args: { SERVICE: name } });
      expect(service?.command).toBeUndefined();
    },
  );

  it.each(serviceNames.map((name) => [name]))("gives %s the variables npm start gives it", (name) => {
    for (const warehouse of ["postgres", "redshift"] as const) {
      const drift = envDrift(npmStartService(name, warehouse), composeEnv(name, { WAREHOUSE: warehouse }), {
        fromImage,
        endpoints: endpointNames,
        composeOnly: [...(name === "request-api" ? ["HOST"] : []), ...redshiftOnly(name)],
      });
      expect({ warehouse, drift }).toEqual({ warehouse, drift: [] });
    }
  });

  it("gives the sharing server the variables npm start gives it", () => {
    for (const warehouse of ["postgres", "redshift"] as const) {
      const drift = envDrift(npmStartSharing(warehouse), composeEnv(sharingServiceName, { WAREHOUSE: warehouse }), {
        fromImage,
        // The sharing configuration is a file of this repository mounted into the container: another path.
        endpoints: [...endpointNames, "SHARING_CONFIG_FILE"],
        composeOnly: ["HOST", ...redshiftOnlySharing],
      });
      expect({ warehouse, drift }).toEqual({ warehouse, drift: [] });
    }
  });

  it("gives the provisioning (init) the stack's variables", () => {
    expect(envDrift(npmStartStack, composeEnv("init"), { fromImage, endpoints: endpointNames })).toEqual([]);
  });

  it("gives the Redshift Data API emulator the variables dev/stack gives it", () => {
    const npmStart = redshiftEmulatorEnv({
      warehouseUrl: endpoints.warehouseUrl,
      awsEndpointUrl: endpoints.awsEndpointUrl,
      awsRegion: endpoints.awsRegion,
      duckdbPostgresExtension: endpoints.duckdbPostgresExtension,
      iamRole: endpoints.redshiftIamRole ?? "",
    });
    const drift = envDrift(npmStart, composeEnv("redshift"), {
      fromImage,
      endpoints: ["REDSHIFT_EMULATOR_POSTGRES_URL", "AWS_ENDPOINT_URL"],
      composeOnly: ["REDSHIFT_EMULATOR_HOST"],
    });
    expect(drift).toEqual([]);
    expect(compose.services.redshift?.command).toEqual(
      expect.arrayContaining(["dev/redshift-data-emulator/src/main.ts", "--port", "4010"]),
    );
  });

  it("runs the gateway with npm start's variables, in front of request-api", () => {
    // As dev/commands/start.ts starts it: its dev issuer's key in .local/dev/auth, request-api on apiPort.
    const npmStart = gatewayEnv({
      ...startGatewayAuth(
        join(profileDirs("dev").root, "auth", "jwt-public.pem"),
        npmStartService("request-api", "postgres"),
      ),
      statusPageUrl: `http://127.0.0.1:${apiPort}`,
    });
    const container = composeEnv("gateway");
    expect(
      envDrift(npmStart, container, {
        endpoints: ["JWT_PUBLIC_KEY_FILE", "STATUS_PAGE_URL"],
        composeOnly: ["DATA_EXPORTER_SUBGRAPH_URL", "GATEWAY_PORT"],
      }),
    ).toEqual([]);
    // startGateway serves request-api's page from the subgraph's origin; the issuer writes jwt-public.pem.
    expect(new URL(container.DATA_EXPORTER_SUBGRAPH_URL ?? "").origin).toBe(container.STATUS_PAGE_URL);
    expect(new URL(container.DATA_EXPORTER_SUBGRAPH_URL ?? "").hostname).toBe("request-api");
    expect(basename(container.JWT_PUBLIC_KEY_FILE ?? "")).toBe("jwt-public.pem");
    expect(container.GATEWAY_PORT).toBe("4000");
    const parsed = gatewayEnvSchema.safeParse(container);
    expect(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([]);
    expect(compose.services.gateway?.command).toEqual([
      "node",
      "--conditions=source",
      "--import",
      "tsx",
      "dev/commands/compose-gateway.ts",
    ]);
  });

  it("points every endpoint at a container of this compose file", () => {
    const names = new Set(Object.keys(compose.services));
    for (const [service, spec] of Object.entries(compose.services))
      for (const [key, raw] of Object.entries(spec.environment ?? {})) {
        if (![...endpointNames, "REDSHIFT_EMULATOR_POSTGRES_URL", "STATUS_PAGE_URL"].includes(key)) continue;
        const value = interpolate(String(raw));
        const host = isUrl(value) ? new URL(value).hostname : value.split(":")[0];
        expect(`${service} ${key} → ${host}: ${names.has(host ?? "") ? "a container" : "nowhere"}`).toBe(
          `${service} ${key} → ${host}: a container`,
        );
      }
  });

  const schemas: Record<string, z.ZodObject> = {
    "request-api": requestApiConfig,
    planner: plannerConfig,
    unloader: unloaderConfig,
    "status-tracker": statusTrackerConfig,
    notifier: notifierConfig,
    "catalog-registrar": catalogRegistrarConfig,
  };
  it.each(serviceNames.map((name) => [name]))(
    "gives %s an environment its config schema accepts (it would start)",
    (name) => {
      // The image sets DUCKDB_POSTGRES_EXTENSION (infra/docker/Dockerfile).
      for (const warehouse of ["postgres", "redshift"]) {
        const env = { DUCKDB_POSTGRES_EXTENSION: "/opt/duckdb/x", ...composeEnv(name, { WAREHOUSE: warehouse }) };
        const parsed = schemas[name]?.safeParse(env);
        expect(parsed?.success ? [] : parsed?.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([]);
      }
    },
  );

  it("runs the sharing server from the image with its own login, on 4080, with the demo configuration mounted", () => {
    const service = compose.services["sharing-server"];
    expect(service?.build).toEqual({
      context: ".",
      dockerfile: "infra/docker/Dockerfile",
      args: { SERVICE: "sharing-server" },
    });
    expect(service?.ports).toEqual([`127.0.0.1:${sharingPort}:${sharingPort}`]);
    const env = composeEnv("sharing-server");
    const parsed = sharingServerConfig.safeParse(env);
    expect(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([]);
    const config = sharingServerConfig.parse(env);
    expect({ port: config.PORT, host: config.HOST }).toEqual({ port: sharingPort, host: "0.0.0.0" });
    // Its healthcheck asks /readyz on the API port: the server has no other.
    expect(service?.healthcheck?.test.join(" ")).toContain("process.env.PORT + '/readyz'");
    expect(new URL(config.DATABASE_URL).username).toBe("data_exporter_sharing_server");
    // The init container creates that login from the stack's list of service logins.
    expect(new URL(composeEnv("init").SHARING_SERVER_DATABASE_URL ?? "").username).toBe("data_exporter_sharing_server");
    const mounts = (service?.volumes ?? []).map((v) => v.split(":"));
    const mount = mounts.find(([, target]) => target === config.SHARING_CONFIG_FILE);
    expect(mount?.[2]).toBe("ro");
    const example = parseSharingConfig(
      JSON.parse(readFileSync(join(repoRoot, mount?.[0] ?? ""), "utf8")),
      mount?.[0] ?? "",
    );
    // One clearly marked demo recipient, whose token is the public one the README and this file document.
    expect(example.recipients.map((r) => r.name)).toEqual(["local-demo"]);
    expect(example.recipients[0]?.tokenSha256).toBe(createHash("sha256").update(demoSharingToken).digest("hex"));
    expect(example.shares[0]?.comment).toContain(demoSharingToken);
    expect(readFileSync(join(repoRoot, "docker-compose.yml"), "utf8")).toContain(demoSharingToken);
    expect(readFileSync(join(repoRoot, "services/sharing-server/README.md"), "utf8")).toContain(demoSharingToken);
  });

  it("runs the dev tools (provisioning, emulator, gateway) from files the image holds", () => {
    expect(compose.services.init?.command).toEqual([
      "node",
      "--conditions=source",
      "--import",
      "tsx",
      "dev/commands/provision.ts",
    ]);
    for (const service of ["init", "redshift", "gateway"]) {
      const entry = compose.services[service]?.command?.find((arg) => arg.endsWith(".ts")) ?? "";
      expect(existsSync(join(repoRoot, entry))).toBe(true);
      expect(entry.startsWith("dev/")).toBe(true);
    }
    // The image copies dev/ for them, and sets the DuckDB extension compose leaves to it.
    expect(dockerfile).toContain("COPY dev ./dev");
    expect(dockerfile).toMatch(/ENV DUCKDB_POSTGRES_EXTENSION=/);
    expect(dockerfile).toMatch(/ENV DUCKDB_HMAC_EXTENSION=/);
  });
});

describe("envDrift (what fails when compose and npm start part)", () => {
  const npmStart = { KAFKA_BROKERS: "127.0.0.1:9092", DATABASE_URL: "postgres://postgres@127.0.0.1:5432/exporter" };
  const container = { KAFKA_BROKERS: "kafka:19092", DATABASE_URL: "postgres://postgres:pw@postgres:5432/exporter" };
  const allowed = { endpoints: ["KAFKA_BROKERS", "DATABASE_URL"] };

  it("accepts other hosts, ports and passwords for endpoints, not another database role", () => {
    expect(envDrift(npmStart, container, allowed)).toEqual([]);
    expect(
      envDrift(npmStart, { ...container, DATABASE_URL: "postgres://p:pw@postgres:5432/exporter" }, allowed),
    ).toEqual(["DATABASE_URL: user p where npm start has postgres"]);
  });

  it("names a variable npm start gives and compose does not", () => {
    expect(envDrift({ ...npmStart, NEW_SETTING: "1" }, container, allowed)).toEqual([
      "NEW_SETTING is missing (npm start sets it)",
    ]);
  });

  it("names a changed value, a variable only compose sets and an endpoint into another database", () => {
    expect(
      envDrift({ ...npmStart, LOG_LEVEL: "info" }, { ...container, LOG_LEVEL: "debug", EXTRA: "x" }, allowed),
    ).toEqual(['LOG_LEVEL is "debug", npm start gives "info"', "EXTRA is set only by compose"]);
    expect(envDrift(npmStart, { ...container, DATABASE_URL: "postgres://postgres:5432/warehouse" }, allowed)).toEqual([
      "DATABASE_URL: path /warehouse where npm start has /exporter",
    ]);
  });

  it("interpolates compose's defaults and refuses a variable without one", () => {
    expect(interpolate("a:${X:-b}:c")).toBe("a:b:c");
    expect(interpolate("${X:-b}", { X: "y" })).toBe("y");
    expect(() => interpolate("${X}")).toThrow(/has no default/);
  });
});
