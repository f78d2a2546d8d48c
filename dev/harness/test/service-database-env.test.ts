import { describe, expect, it } from "@jest/globals";
import { serviceDatabaseEnv } from "../service-database-env.js";

const stackEnv = {
  KAFKA_BROKERS: "127.0.0.1:9092",
  DATABASE_URL: "postgres://postgres@h/exporter",
  WAREHOUSE_URL: "postgres://postgres@h/warehouse",
  POSTGRES_ADMIN_URL: "postgres://postgres@h/postgres",
  MIGRATION_DATABASE_URL: "postgres://postgres@h/exporter",
  PLANNER_DATABASE_URL: "postgres://data_exporter_planner:p1@h/exporter",
  NOTIFIER_DATABASE_URL: "postgres://data_exporter_notifier:p2@h/exporter",
  REQUEST_API_DATABASE_URL: "postgres://data_exporter_request_api:p3@h/exporter",
  WAREHOUSE_READER_URL: "postgres://data_exporter_warehouse_reader:p4@h/warehouse",
};

describe("serviceDatabaseEnv", () => {
  it("gives a warehouse reader its own login and the read-only warehouse login, and no other role's", () => {
    const env = serviceDatabaseEnv("planner", stackEnv);
    expect(env.DATABASE_URL).toBe(stackEnv.PLANNER_DATABASE_URL);
    expect(env.WAREHOUSE_URL).toBe(stackEnv.WAREHOUSE_READER_URL);
    expect(env.MIGRATION_DATABASE_URL).toBe(stackEnv.MIGRATION_DATABASE_URL);
    expect(Object.keys(env).sort()).toEqual([
      "DATABASE_URL",
      "KAFKA_BROKERS",
      "MIGRATION_DATABASE_URL",
      "WAREHOUSE_URL",
    ]);
  });

  it("gives the notifier no warehouse login at all", () => {
    const env = serviceDatabaseEnv("notifier", stackEnv);
    expect(env.DATABASE_URL).toBe(stackEnv.NOTIFIER_DATABASE_URL);
    expect(env.WAREHOUSE_URL).toBeUndefined();
    expect(Object.values(env).join(" ")).not.toMatch(/p1|p3|p4/);
  });

  it("leaves the environment alone without per-service logins (an external PostgreSQL)", () => {
    const external = { DATABASE_URL: "postgres://u@db/exporter", WAREHOUSE_URL: "postgres://u@wh/warehouse" };
    expect(serviceDatabaseEnv("unloader", external)).toEqual(external);
  });
});
