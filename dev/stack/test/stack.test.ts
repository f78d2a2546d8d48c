import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "@jest/globals";
import { duckdbVersion } from "../duckdb-extension.js";
import { checkoutId, postgresDataDir, repoRoot } from "../paths.js";
import { stackPorts } from "../ports.js";
import { stackEndpoints, stackEnv } from "../stack.js";

describe("stackPorts", () => {
  it("keeps dev and test apart", () => {
    expect(stackPorts("dev", {})).toEqual({
      kafka: 9092,
      kafkaController: 9093,
      kafkaSecure: 9094,
      postgres: 5432,
      moto: 5000,
      redshift: 4010,
    });
    expect(stackPorts("test", {})).toEqual({
      kafka: 19092,
      kafkaController: 19093,
      kafkaSecure: 19094,
      postgres: 15432,
      moto: 15000,
      redshift: 14010,
    });
  });

  it("takes overrides from the environment and rejects non-ports", () => {
    expect(stackPorts("test", { STACK_POSTGRES_PORT: "25432" }).postgres).toBe(25432);
    expect(stackPorts("test", { STACK_REDSHIFT_PORT: "24010" }).redshift).toBe(24010);
    expect(stackPorts("test", { STACK_KAFKA_SECURE_PORT: "31094" }).kafkaSecure).toBe(31094);
    expect(() => stackPorts("test", { STACK_KAFKA_PORT: "http" })).toThrow(/STACK_KAFKA_PORT/);
  });
});

describe("stackEndpoints", () => {
  it("points at the local processes by default", () => {
    const { endpoints, external } = stackEndpoints("test", {});
    expect(external).toEqual([]);
    expect(endpoints).toMatchObject({
      kafkaBrokers: "127.0.0.1:19092",
      postgresAdminUrl: "postgres://postgres@127.0.0.1:15432/postgres",
      databaseUrl: "postgres://postgres@127.0.0.1:15432/exporter",
      warehouseUrl: "postgres://postgres@127.0.0.1:15432/warehouse",
      awsEndpointUrl: "http://127.0.0.1:15000",
      awsRegion: "ap-southeast-2",
      redshiftDataEndpoint: "http://127.0.0.1:14010",
      redshiftIamRole: "arn:aws:iam::123456789012:role/data-exporter-local-unload",
    });
    expect(endpoints.duckdbPostgresExtension).toMatch(
      /\/\.cache\/duckdb\/v[\d.]+\/postgres_scanner\.duckdb_extension$/,
    );
    expect(endpoints.duckdbHmacExtension).toMatch(/\/\.cache\/duckdb-hmac\/[0-9a-f]{16}\/hmac\.duckdb_extension$/);
    expect(
      stackEndpoints("test", { DUCKDB_HMAC_EXTENSION: "/x/hmac.duckdb_extension" }).endpoints.duckdbHmacExtension,
    ).toBe("/x/hmac.duckdb_extension");
  });

  it("leaves components given by the environment alone", () => {
    const { endpoints, external } = stackEndpoints("dev", {
      KAFKA_BROKERS: "k:1",
      DATABASE_URL: "postgres://u:p@db:5433/state",
      AWS_ENDPOINT_URL: "http://aws:4566",
      REDSHIFT_DATA_ENDPOINT: "http://emulator:4010",
    });
    expect(external).toEqual(["kafka", "postgres", "moto", "redshift"]);
    expect(endpoints).toMatchObject({
      kafkaBrokers: "k:1",
      databaseUrl: "postgres://u:p@db:5433/state",
      warehouseUrl: "postgres://u:p@db:5433/warehouse",
      postgresAdminUrl: "postgres://u:p@db:5433/postgres",
      awsEndpointUrl: "http://aws:4566",
      redshiftDataEndpoint: "http://emulator:4010",
    });
  });

  it("serves the secured Kafka listener in the test profile always, in dev with KAFKA_SECURITY=sasl_ssl", () => {
    expect(stackEndpoints("test", {}).endpoints.kafkaSecure).toEqual({
      brokers: "127.0.0.1:19094",
      dir: join(repoRoot, ".local", "test", "kafka", "security"),
    });
    expect(stackEndpoints("dev", {}).endpoints.kafkaSecure).toBeUndefined();
    expect(stackEndpoints("dev", { KAFKA_SECURITY: "sasl_ssl" }).endpoints.kafkaSecure?.brokers).toBe("127.0.0.1:9094");
    expect(stackEndpoints("test", { KAFKA_SECURITY: "none" }).endpoints.kafkaSecure).toBeUndefined();
    expect(() => stackEndpoints("dev", { KAFKA_SECURITY: "ssl" })).toThrow(/KAFKA_SECURITY must be none or sasl_ssl/);
    expect(Object.keys(stackEnv(stackEndpoints("test", {}).endpoints))).toEqual(
      expect.arrayContaining(["KAFKA_SECURE_BROKERS", "KAFKA_SECURE_DIR"]),
    );
  });

  it("exports the variable names services read", () => {
    expect(Object.keys(stackEnv(stackEndpoints("dev", {}).endpoints)).sort()).toEqual(
      [
        "AWS_ACCESS_KEY_ID",
        "AWS_ENDPOINT_URL",
        "AWS_REGION",
        "AWS_SECRET_ACCESS_KEY",
        "DATABASE_URL",
        "DUCKDB_POSTGRES_EXTENSION",
        // Built from packages/warehouse/native/hmac on Linux (the only platform the tests run on).
        "DUCKDB_HMAC_EXTENSION",
        "KAFKA_BROKERS",
        "POSTGRES_ADMIN_URL",
        "REDSHIFT_DATA_ENDPOINT",
        "REDSHIFT_IAM_ROLE_ARN",
        "WAREHOUSE_URL",
        // The per-service logins (postgres-roles.ts) and the migrations' owner.
        "MIGRATION_DATABASE_URL",
        "PLANNER_DATABASE_URL",
        "UNLOADER_DATABASE_URL",
        "STATUS_TRACKER_DATABASE_URL",
        "NOTIFIER_DATABASE_URL",
        "REQUEST_API_DATABASE_URL",
        "SHARING_SERVER_DATABASE_URL",
        "CATALOG_REGISTRAR_DATABASE_URL",
        "WAREHOUSE_READER_URL",
      ].sort(),
    );
  });

  it("gives each service its own role's login on the local server, and none for an external one", () => {
    const { endpoints } = stackEndpoints("test", {});
    const planner = new URL(endpoints.serviceDatabaseUrls?.planner ?? "");
    expect(planner.username).toBe("data_exporter_planner");
    expect(planner.password).toMatch(/^[0-9a-f]{36}$/);
    expect(`${planner.host}${planner.pathname}`).toBe("127.0.0.1:15432/exporter");
    expect(new URL(endpoints.warehouseReaderUrl ?? "").username).toBe("data_exporter_warehouse_reader");
    // Stable: the same passwords on every call (the file in the profile's state folder).
    expect(stackEndpoints("test", {}).endpoints.serviceDatabaseUrls).toEqual(endpoints.serviceDatabaseUrls);
    const external = stackEndpoints("dev", { DATABASE_URL: "postgres://u:p@db:5433/state" }).endpoints;
    expect(external.serviceDatabaseUrls).toBeUndefined();
    expect(Object.keys(stackEnv(external))).not.toContain("PLANNER_DATABASE_URL");
  });

  it("leaves the emulator's variables out when the endpoints have none (a stack read back from docker compose)", () => {
    const endpoints = {
      ...stackEndpoints("dev", {}).endpoints,
      redshiftDataEndpoint: undefined,
      redshiftIamRole: undefined,
    };
    expect(Object.keys(stackEnv(endpoints))).not.toContain("REDSHIFT_DATA_ENDPOINT");
  });
});

describe("duckdbVersion", () => {
  it("matches the DuckDB inside the installed @duckdb/node-api (extensions load only on the exact version)", () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, "node_modules/@duckdb/node-api/package.json"), "utf8")) as {
      version: string;
    };
    expect(pkg.version.split("-")[0]).toBe(duckdbVersion);
  });
});

describe("postgresDataDir", () => {
  it("is outside the checkout, under /var/tmp/data-exporter, one folder per checkout and profile", () => {
    expect(postgresDataDir("test", {}, "/root/src/data-exporter")).toBe(
      `/var/tmp/data-exporter/${checkoutId("/root/src/data-exporter")}/test/postgres`,
    );
    expect(checkoutId("/root/src/data-exporter")).toMatch(/^data-exporter-[0-9a-f]{12}$/);
  });

  it("tells two checkouts of the same folder name apart", () => {
    expect(checkoutId("/work/a/data-exporter")).not.toBe(checkoutId("/work/b/data-exporter"));
    expect(postgresDataDir("dev", {}, "/x")).not.toBe(postgresDataDir("test", {}, "/x"));
  });

  it("takes the base from STACK_POSTGRES_BASE_DIR", () => {
    expect(postgresDataDir("dev", { STACK_POSTGRES_BASE_DIR: "/srv/pg/" }, "/x/y")).toBe(
      `/srv/pg/${checkoutId("/x/y")}/dev/postgres`,
    );
  });
});
