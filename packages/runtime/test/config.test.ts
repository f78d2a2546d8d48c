import { describe, expect, it } from "@jest/globals";
import { z } from "zod";
import { ConfigError, commonEnvSchema, env, loadConfig, stateDatabaseEnv } from "../src/index.js";

const schema = commonEnvSchema.extend({ MAX_RETRY_COUNT: env.positiveInt().default(3), BUCKET: env.string() });

describe("loadConfig", () => {
  it("parses and freezes a valid environment", () => {
    const config = loadConfig(schema, { KAFKA_BROKERS: "a:9092, b:9092", HEALTH_PORT: "4002", BUCKET: "x" });
    expect(config.KAFKA_BROKERS).toEqual(["a:9092", "b:9092"]);
    expect(config.HEALTH_PORT).toBe(4002);
    expect(config.MAX_RETRY_COUNT).toBe(3);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("names every missing or malformed variable in one error", () => {
    let caught: unknown;
    try {
      loadConfig(schema, { HEALTH_PORT: "not-a-port", MAX_RETRY_COUNT: "-1" });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join("\n");
    expect(problems).toMatch(/KAFKA_BROKERS: is required/);
    expect(problems).toMatch(/BUCKET: is required/);
    expect(problems).toMatch(/HEALTH_PORT:/);
    expect(problems).toMatch(/MAX_RETRY_COUNT:/);
  });

  it("rejects an empty broker list", () => {
    expect(() => loadConfig(z.object({ KAFKA_BROKERS: env.list() }), { KAFKA_BROKERS: " , " })).toThrow(
      /KAFKA_BROKERS: must list at least one value/,
    );
  });
});

describe("stateDatabaseEnv", () => {
  const schema = z.object(stateDatabaseEnv);
  it("defaults the schema to the seed's de_internal", () => {
    expect(loadConfig(schema, { DATABASE_URL: "postgres://h/e" }).STATUS_SCHEMA).toBe("de_internal");
  });

  it("refuses a schema name that would be pasted into SQL unsafely", () => {
    expect(() => loadConfig(schema, { DATABASE_URL: "postgres://h/e", STATUS_SCHEMA: 'x"; drop' })).toThrow(
      /STATUS_SCHEMA: must be a lower-case identifier/,
    );
  });
});
