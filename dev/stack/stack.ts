import { existsSync } from "node:fs";
import { ensureTools } from "./apt.js";
import { ensureComponents, type Component } from "./components.js";
import type { EnsureOutcome, StackContext } from "./context.js";
import { duckdbPostgresExtensionPath, ensureDuckdbPostgresExtension } from "./duckdb-extension.js";
import { duckdbHmacExtensionPath, ensureDuckdbHmacExtension } from "./duckdb-hmac-extension.js";
import { ensureKafka, kafkaLibsReady, kafkaRunning, kafkaSecurityDir, stopKafka } from "./kafka.js";
import { kafkaSecurityMode } from "./kafka-security.js";
import { otherStackUsers, registerStackUser, withStackLock } from "./lock.js";
import { ensureMoto, motoRunning, stopMoto } from "./moto.js";
import { postgresDataDir, profileDirs, type Profile } from "./paths.js";
import { stackPorts } from "./ports.js";
import {
  ensureDatabases,
  ensurePostgres,
  exporterDatabase,
  postgresDataInUse,
  postgresRunning,
  postgresUrl,
  stopPostgres,
  warehouseDatabase,
} from "./postgres.js";
import { toolsNeeded } from "./preflight.js";
import { readPid } from "./processes.js";
import { motoVenvReady } from "./python.js";
import { serviceRoleNames, warehouseReaderRole, type ServiceWithRole } from "@data-exporter/postgres";
import { ensureLocalRoles, localRolePasswords, roleUrl, serviceUrlVariable } from "./postgres-roles.js";
import { ensureRedshift, redshiftRunning, stopRedshift } from "./redshift.js";

export type { Profile } from "./paths.js";
export { ensureDuckdbPostgresExtension, duckdbVersion } from "./duckdb-extension.js";
export { ensureDuckdbHmacExtension } from "./duckdb-hmac-extension.js";
export { StackError } from "./errors.js";

export interface StackEndpoints {
  kafkaBrokers: string;
  /**
   * The broker's SASL_SSL listener (KAFKA_SECURITY=sasl_ssl; always in the test profile) and the folder with the CA
   * clients trust (tls/ca.pem) and each local user's password file (passwords/<user>).
   */
  kafkaSecure?: { brokers: string; dir: string } | undefined;
  postgresAdminUrl: string;
  /** The exporter's own state database. */
  databaseUrl: string;
  /** The warehouse database (schema pm_internal created). */
  warehouseUrl: string;
  awsEndpointUrl: string;
  awsRegion: string;
  /** Absolute path of postgres_scanner.duckdb_extension matching the installed DuckDB. */
  duckdbPostgresExtension: string;
  /**
   * Absolute path of hmac.duckdb_extension (native hmac_sha256_hex, packages/warehouse/native/hmac), compiled from the
   * checked-in sources; loading it needs allow_unsigned_extensions (see duckdb-hmac-extension.ts). Undefined on a
   * platform it is not built for.
   */
  duckdbHmacExtension?: string | undefined;
  /**
   * The Redshift Data API emulator (dev/redshift-data-emulator), which runs its SQL on the warehouse database.
   * Optional: a stack read back from elsewhere (docker compose) has none.
   */
  redshiftDataEndpoint?: string | undefined;
  /** The IAM role the emulated cluster has associated, for UNLOAD ... IAM_ROLE. */
  redshiftIamRole?: string | undefined;
  /**
   * Each service's own login to the exporter's database (its role, see postgres-roles.ts). Absent when PostgreSQL is
   * not the stack's own (DATABASE_URL set): every service then uses databaseUrl.
   */
  serviceDatabaseUrls?: Readonly<Record<ServiceWithRole, string>> | undefined;
  /** The read-only warehouse role's login (the planner's catalog and the unloader read through it). */
  warehouseReaderUrl?: string | undefined;
}

export type ComponentName = "kafka" | "postgres" | "moto" | "redshift";
export const componentNames: readonly ComponentName[] = ["kafka", "postgres", "moto", "redshift"];

/** The role the local emulated cluster has associated unless REDSHIFT_IAM_ROLE_ARN names another. */
export const defaultRedshiftIamRole = "arn:aws:iam::123456789012:role/data-exporter-local-unload";

export interface StackOptions {
  log?: (msg: string) => void;
  env?: NodeJS.ProcessEnv;
  /** Aborting it (Ctrl-C) makes ensureStack give up, stopping what it started. */
  signal?: AbortSignal;
}

export interface EnsureResult {
  endpoints: StackEndpoints;
  /** Components this call started (the rest were reused or provided through the environment). */
  started: ComponentName[];
  reused: ComponentName[];
  /** Components whose endpoint came from the environment and were left alone. */
  external: ComponentName[];
}

interface Driver {
  ensure(ctx: StackContext, endpoints: StackEndpoints): Promise<EnsureOutcome>;
  stop(ctx: StackContext): Promise<boolean>;
  running(ctx: StackContext): boolean;
}

const drivers: Record<ComponentName, Driver> = {
  kafka: { ensure: ensureKafka, stop: stopKafka, running: kafkaRunning },
  postgres: { ensure: ensurePostgres, stop: stopPostgres, running: postgresRunning },
  moto: { ensure: ensureMoto, stop: stopMoto, running: motoRunning },
  redshift: {
    ensure: (ctx, e) =>
      ensureRedshift(ctx, {
        warehouseUrl: e.warehouseUrl,
        awsEndpointUrl: e.awsEndpointUrl,
        awsRegion: e.awsRegion,
        duckdbPostgresExtension: e.duckdbPostgresExtension,
        iamRole: e.redshiftIamRole ?? defaultRedshiftIamRole,
      }),
    stop: stopRedshift,
    running: redshiftRunning,
  },
};

const component = (name: ComponentName, ctx: StackContext, endpoints: StackEndpoints): Component<ComponentName> => ({
  name,
  ensure: () => drivers[name].ensure(ctx, endpoints),
  stop: () => drivers[name].stop(ctx),
  running: () => drivers[name].running(ctx),
});

const nonEmpty = (v: string | undefined): string | undefined => (v === undefined || v === "" ? undefined : v);

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

function context(profile: Profile, opts: StackOptions): StackContext {
  return {
    profile,
    dirs: profileDirs(profile),
    ports: stackPorts(profile, opts.env ?? process.env),
    kafkaSecurity: kafkaSecurityMode(profile, opts.env ?? process.env),
    postgresData: postgresDataDir(profile, opts.env ?? process.env),
    log: opts.log ?? (() => undefined),
    ...(opts.signal === undefined ? {} : { signal: opts.signal }),
  };
}

/** An external PostgreSQL's per-service logins, when the environment names every one (the testcontainers stack). */
function externalRoleUrls(env: NodeJS.ProcessEnv): Pick<StackEndpoints, "serviceDatabaseUrls" | "warehouseReaderUrl"> {
  const services = Object.keys(serviceRoleNames) as ServiceWithRole[];
  const urls = services.map((service) => [service, nonEmpty(env[serviceUrlVariable(service)])] as const);
  const reader = nonEmpty(env.WAREHOUSE_READER_URL);
  if (reader === undefined || urls.some(([, url]) => url === undefined)) return {};
  return {
    serviceDatabaseUrls: Object.fromEntries(urls) as Record<ServiceWithRole, string>,
    warehouseReaderUrl: reader,
  };
}

/** Endpoints of the profile, taking each component's from the environment when set there. */
export function stackEndpoints(
  profile: Profile,
  env: NodeJS.ProcessEnv = process.env,
): { endpoints: StackEndpoints; external: ComponentName[] } {
  const ports = stackPorts(profile, env);
  const external: ComponentName[] = [];
  const kafkaBrokers = nonEmpty(env.KAFKA_BROKERS);
  if (kafkaBrokers !== undefined) external.push("kafka");
  const databaseUrl = nonEmpty(env.DATABASE_URL);
  if (databaseUrl !== undefined) external.push("postgres");
  const awsEndpointUrl = nonEmpty(env.AWS_ENDPOINT_URL);
  if (awsEndpointUrl !== undefined) external.push("moto");
  const redshiftDataEndpoint = nonEmpty(env.REDSHIFT_DATA_ENDPOINT);
  if (redshiftDataEndpoint !== undefined) external.push("redshift");
  const localAdmin = postgresUrl(ports.postgres, "postgres");
  const passwords = databaseUrl === undefined ? localRolePasswords(profileDirs(profile)) : undefined;
  const login = (role: string, database: string): string =>
    roleUrl(localAdmin, role, passwords?.[role] ?? "", database);
  const externalSecure = nonEmpty(env.KAFKA_SECURE_BROKERS);
  const kafkaSecure =
    externalSecure !== undefined
      ? { brokers: externalSecure, dir: env.KAFKA_SECURE_DIR ?? "" }
      : kafkaBrokers === undefined && kafkaSecurityMode(profile, env) === "sasl_ssl"
        ? { brokers: `127.0.0.1:${ports.kafkaSecure}`, dir: kafkaSecurityDir(profileDirs(profile).root) }
        : undefined;
  return {
    external,
    endpoints: {
      kafkaBrokers: kafkaBrokers ?? `127.0.0.1:${ports.kafka}`,
      kafkaSecure,
      postgresAdminUrl:
        nonEmpty(env.POSTGRES_ADMIN_URL) ??
        (databaseUrl === undefined ? localAdmin : withDatabase(databaseUrl, "postgres")),
      databaseUrl: databaseUrl ?? postgresUrl(ports.postgres, exporterDatabase),
      warehouseUrl:
        nonEmpty(env.WAREHOUSE_URL) ??
        (databaseUrl === undefined
          ? postgresUrl(ports.postgres, warehouseDatabase)
          : withDatabase(databaseUrl, warehouseDatabase)),
      awsEndpointUrl: awsEndpointUrl ?? `http://127.0.0.1:${ports.moto}`,
      awsRegion: nonEmpty(env.AWS_REGION) ?? "ap-southeast-2",
      duckdbPostgresExtension: nonEmpty(env.DUCKDB_POSTGRES_EXTENSION) ?? duckdbPostgresExtensionPath,
      duckdbHmacExtension: nonEmpty(env.DUCKDB_HMAC_EXTENSION) ?? duckdbHmacExtensionPath(),
      redshiftDataEndpoint: redshiftDataEndpoint ?? `http://127.0.0.1:${ports.redshift}`,
      redshiftIamRole: nonEmpty(env.REDSHIFT_IAM_ROLE_ARN) ?? defaultRedshiftIamRole,
      ...(passwords === undefined
        ? externalRoleUrls(env)
        : {
            serviceDatabaseUrls: Object.fromEntries(
              Object.entries(serviceRoleNames).map(([service, role]) => [service, login(role, exporterDatabase)]),
            ) as Record<ServiceWithRole, string>,
            warehouseReaderUrl: login(warehouseReaderRole, warehouseDatabase),
          }),
    },
  };
}

/**
 * Makes the profile's local stack run: reuses components already running, starts the missing ones in parallel,
 * waits until each really answers, and creates the exporter/warehouse databases. Components whose endpoint is
 * set in the environment (KAFKA_BROKERS, DATABASE_URL, AWS_ENDPOINT_URL, REDSHIFT_DATA_ENDPOINT) are not
 * provisioned. When a step fails, the components this call started are stopped again before it throws (see
 * ensureComponents).
 */
export async function ensureStack(profile: Profile, opts: StackOptions = {}): Promise<EnsureResult> {
  const env = opts.env ?? process.env;
  const ctx = context(profile, opts);
  const { endpoints, external } = stackEndpoints(profile, env);
  const managed = componentNames.filter((c) => !external.includes(c));
  const downloadExtension = nonEmpty(env.DUCKDB_POSTGRES_EXTENSION) === undefined;
  // Built from our sources unless the environment names a build (or the platform has none).
  const buildHmac = nonEmpty(env.DUCKDB_HMAC_EXTENSION) === undefined && endpoints.duckdbHmacExtension !== undefined;
  const toStart = (name: ComponentName): boolean => managed.includes(name) && !drivers[name].running(ctx);
  // Cold starts download jars and wheels: allow minutes while another process holds the lock.
  const { started, reused } = await withStackLock(
    ctx.dirs,
    10 * 60_000,
    async () => {
      // Every tool this run will invoke, checked at once: one report of all that is missing, before anything starts.
      await ensureTools(
        toolsNeeded({
          kafka: toStart("kafka") ? { libsReady: kafkaLibsReady() } : undefined,
          postgres: toStart("postgres"),
          moto: toStart("moto") ? { venvReady: motoVenvReady() } : undefined,
          duckdbExtension: downloadExtension && !existsSync(duckdbPostgresExtensionPath),
          hmacExtension: buildHmac && !existsSync(endpoints.duckdbHmacExtension ?? ""),
        }),
        ctx.log,
      );
      return ensureComponents(
        managed.map((name) => component(name, ctx, endpoints)),
        {
          log: ctx.log,
          ...(opts.signal === undefined ? {} : { signal: opts.signal }),
          alongside: [
            ...(downloadExtension
              ? [{ name: "duckdb extension", run: () => ensureDuckdbPostgresExtension({ log: ctx.log }) }]
              : []),
            ...(buildHmac
              ? [{ name: "duckdb hmac extension", run: () => ensureDuckdbHmacExtension({ log: ctx.log }) }]
              : []),
          ],
          then: managed.includes("postgres")
            ? [
                { name: "databases", run: () => ensureDatabases(endpoints.postgresAdminUrl, endpoints.warehouseUrl) },
                {
                  name: "database roles",
                  run: () =>
                    ensureLocalRoles(endpoints.postgresAdminUrl, localRolePasswords(ctx.dirs), {
                      exporter: exporterDatabase,
                      warehouse: warehouseDatabase,
                    }),
                },
              ]
            : [],
        },
      );
    },
    opts.signal,
  );
  return { endpoints, started, reused, external };
}

export interface StopOptions extends StackOptions {
  /** Only these components (default: all of the profile's). */
  components?: readonly ComponentName[];
}

/** Stops the profile's components that this stack started (by recorded pid); harmless when nothing runs. */
export async function stopStack(profile: Profile, opts: StopOptions = {}): Promise<ComponentName[]> {
  const ctx = context(profile, opts);
  const names = opts.components ?? componentNames;
  const stopped: ComponentName[] = [];
  await withStackLock(ctx.dirs, 2 * 60_000, async () => {
    await Promise.all(
      names.map(async (name) => {
        if (await drivers[name].stop(ctx)) {
          stopped.push(name);
          ctx.log(`${name}: stopped`);
        }
      }),
    );
  });
  return componentNames.filter((c) => stopped.includes(c));
}

export interface ComponentStatus {
  name: ComponentName;
  state: "running" | "stopped" | "external";
  pid?: number;
  /** Where the component keeps its data (PostgreSQL only: outside the checkout). */
  dataDir?: string;
}

export function stackStatus(profile: Profile, opts: StackOptions = {}): ComponentStatus[] {
  const ctx = context(profile, opts);
  const { external } = stackEndpoints(profile, opts.env ?? process.env);
  return componentNames.map((name): ComponentStatus => {
    if (external.includes(name)) return { name, state: "external" };
    const data = name === "postgres" ? { dataDir: postgresDataInUse(ctx) } : {};
    if (!drivers[name].running(ctx)) return { name, state: "stopped", ...data };
    const pid = readPid(ctx.dirs, name);
    return pid === undefined ? { name, state: "running", ...data } : { name, state: "running", pid, ...data };
  });
}

/** Registers the calling process as a user of the stack; see lock.ts. */
export function useStack(profile: Profile, pid = process.pid): { release: () => void; otherUsers: () => number[] } {
  const dirs = profileDirs(profile);
  return { release: registerStackUser(dirs, pid), otherUsers: () => otherStackUsers(dirs, pid) };
}

/** The environment variables services and tests read to find the stack. */
export function stackEnv(e: StackEndpoints): Record<string, string> {
  return {
    KAFKA_BROKERS: e.kafkaBrokers,
    ...(e.kafkaSecure === undefined
      ? {}
      : { KAFKA_SECURE_BROKERS: e.kafkaSecure.brokers, KAFKA_SECURE_DIR: e.kafkaSecure.dir }),
    DATABASE_URL: e.databaseUrl,
    WAREHOUSE_URL: e.warehouseUrl,
    POSTGRES_ADMIN_URL: e.postgresAdminUrl,
    AWS_ENDPOINT_URL: e.awsEndpointUrl,
    AWS_REGION: e.awsRegion,
    // moto accepts any credentials; the SDK refuses to sign without some.
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    DUCKDB_POSTGRES_EXTENSION: e.duckdbPostgresExtension,
    ...(e.duckdbHmacExtension === undefined ? {} : { DUCKDB_HMAC_EXTENSION: e.duckdbHmacExtension }),
    ...(e.redshiftDataEndpoint === undefined ? {} : { REDSHIFT_DATA_ENDPOINT: e.redshiftDataEndpoint }),
    ...(e.redshiftIamRole === undefined ? {} : { REDSHIFT_IAM_ROLE_ARN: e.redshiftIamRole }),
    ...databaseRoleEnv(e),
  };
}

/**
 * The per-service logins (PLANNER_DATABASE_URL, ..., WAREHOUSE_READER_URL) and the migrations' owner
 * (MIGRATION_DATABASE_URL): the harness gives each service its own as DATABASE_URL (see harness/services.ts).
 */
function databaseRoleEnv(e: StackEndpoints): Record<string, string> {
  if (e.serviceDatabaseUrls === undefined) return {};
  return {
    MIGRATION_DATABASE_URL: e.databaseUrl,
    ...Object.fromEntries(
      Object.entries(e.serviceDatabaseUrls).map(([service, url]) => [
        serviceUrlVariable(service as ServiceWithRole),
        url,
      ]),
    ),
    ...(e.warehouseReaderUrl === undefined ? {} : { WAREHOUSE_READER_URL: e.warehouseReaderUrl }),
  };
}
