import { describe, expect, it } from "@jest/globals";
import { stackFromEnv } from "../provision.js";

const env = {
  KAFKA_BROKERS: "127.0.0.1:19092",
  DATABASE_URL: "postgres://postgres@127.0.0.1:15432/exporter",
  WAREHOUSE_URL: "postgres://postgres@127.0.0.1:15432/warehouse",
  AWS_ENDPOINT_URL: "http://127.0.0.1:15000",
};

describe("stackFromEnv", () => {
  it("reads the stack back from the environment, with the variables services take", () => {
    const { endpoints, env: serviceEnv } = stackFromEnv(env);
    expect(endpoints).toEqual({
      kafkaBrokers: "127.0.0.1:19092",
      postgresAdminUrl: env.DATABASE_URL,
      databaseUrl: env.DATABASE_URL,
      warehouseUrl: env.WAREHOUSE_URL,
      awsEndpointUrl: "http://127.0.0.1:15000",
      awsRegion: "ap-southeast-2",
      duckdbPostgresExtension: "",
    });
    expect(serviceEnv).toMatchObject({ ...env, AWS_REGION: "ap-southeast-2" });
  });

  it("names a missing variable", () => {
    expect(() => stackFromEnv({ ...env, WAREHOUSE_URL: "" })).toThrow(/^WAREHOUSE_URL is not set/);
  });
});
