import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "@jest/globals";
import { z } from "zod";
import { kafkaSecurityConfig } from "@data-exporter/bus";
import { ConfigError, kafkaEnv, kafkaSecurityOf, loadConfig, type Env } from "../src/index.js";

const schema = z.object(kafkaEnv);
const base = { KAFKA_BROKERS: "b-1.msk:9096" };
const dir = mkdtempSync(join(tmpdir(), "kafka-security-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

function problemsOf(env: Env): string[] {
  try {
    loadConfig(schema, { ...base, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

/** Validated environment → the kafkajs settings the bus connects with (files read as at start-up). */
const kafkajsSettings = (env: Env) => kafkaSecurityConfig(kafkaSecurityOf(loadConfig(schema, { ...base, ...env })));

describe("Kafka security variables", () => {
  it("default to PLAINTEXT", () => {
    expect(kafkajsSettings({})).toEqual({});
  });

  it("map SCRAM over TLS with a private CA, the password read from a file without its trailing newline", () => {
    const ca = file("ca.pem", "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n");
    expect(
      kafkajsSettings({
        KAFKA_SSL: "true",
        KAFKA_SSL_CA_FILE: ca,
        KAFKA_SASL_MECHANISM: "scram-sha-512",
        KAFKA_SASL_USERNAME: "planner",
        KAFKA_SASL_PASSWORD_FILE: file("password", "s3cret\n"),
      }),
    ).toEqual({
      ssl: { ca: ["-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n"] },
      sasl: { mechanism: "scram-sha-512", username: "planner", password: "s3cret" },
    });
  });

  it("map mutual TLS and a server name, and SASL PLAIN with the password given directly", () => {
    expect(
      kafkajsSettings({
        KAFKA_SSL: "true",
        KAFKA_SSL_CERT_FILE: file("client.pem", "CERT"),
        KAFKA_SSL_KEY_FILE: file("client.key", "KEY"),
        KAFKA_SSL_SERVERNAME: "kafka.internal",
        KAFKA_SASL_MECHANISM: "plain",
        KAFKA_SASL_USERNAME: "u",
        KAFKA_SASL_PASSWORD: "p",
      }),
    ).toEqual({
      ssl: { cert: "CERT", key: "KEY", servername: "kafka.internal" },
      sasl: { mechanism: "plain", username: "u", password: "p" },
    });
  });

  it("map MSK IAM to OAUTHBEARER over TLS with the public CAs", () => {
    const settings = kafkajsSettings({
      KAFKA_SSL: "true",
      KAFKA_SASL_MECHANISM: "aws-msk-iam",
      KAFKA_SASL_AWS_REGION: "ap-southeast-2",
    });
    expect(settings.ssl).toBe(true);
    expect(settings.sasl?.mechanism).toBe("oauthbearer");
  });

  it.each<[string, Env, RegExp[]]>([
    [
      "SCRAM without a user or password",
      { KAFKA_SSL: "true", KAFKA_SASL_MECHANISM: "scram-sha-512" },
      [/^KAFKA_SASL_USERNAME: is required/, /^KAFKA_SASL_PASSWORD: .*KAFKA_SASL_PASSWORD_FILE/],
    ],
    [
      "a password both inline and from a file",
      {
        KAFKA_SASL_MECHANISM: "scram-sha-256",
        KAFKA_SASL_USERNAME: "u",
        KAFKA_SASL_PASSWORD: "p",
        KAFKA_SASL_PASSWORD_FILE: "/f",
      },
      [/^KAFKA_SASL_PASSWORD: set either it or KAFKA_SASL_PASSWORD_FILE/],
    ],
    [
      "PLAIN without TLS",
      { KAFKA_SASL_MECHANISM: "plain", KAFKA_SASL_USERNAME: "u", KAFKA_SASL_PASSWORD: "p" },
      [/^KAFKA_SSL: must be true with KAFKA_SASL_MECHANISM=plain/],
    ],
    [
      "MSK IAM without TLS or region, with a password",
      { KAFKA_SASL_MECHANISM: "aws-msk-iam", KAFKA_SASL_PASSWORD: "p" },
      [/^KAFKA_SASL_AWS_REGION: is required/, /^KAFKA_SSL: must be true/, /^KAFKA_SASL_PASSWORD: does not apply/],
    ],
    [
      "TLS files without KAFKA_SSL, and a certificate without its key",
      { KAFKA_SSL_CA_FILE: "/ca.pem", KAFKA_SSL_CERT_FILE: "/c.pem" },
      [
        /^KAFKA_SSL_CA_FILE: only applies with KAFKA_SSL=true/,
        /^KAFKA_SSL_CERT_FILE: only applies with KAFKA_SSL=true/,
        /^KAFKA_SSL_KEY_FILE: mutual TLS needs both/,
      ],
    ],
    [
      "a user without a mechanism, a region without MSK IAM, an unknown mechanism",
      { KAFKA_SASL_USERNAME: "u", KAFKA_SASL_AWS_REGION: "eu-west-1", KAFKA_SASL_MECHANISM: "gssapi" },
      [/^KAFKA_SASL_MECHANISM:/],
    ],
    [
      "a user without a mechanism",
      { KAFKA_SASL_USERNAME: "u", KAFKA_SASL_AWS_REGION: "eu-west-1" },
      [/^KAFKA_SASL_USERNAME: only applies/, /^KAFKA_SASL_AWS_REGION: only applies/],
    ],
  ])("refuse %s at start-up, naming each variable", (_, env, expected) => {
    const problems = problemsOf(env);
    expect(problems).toHaveLength(expected.length);
    for (const pattern of expected) expect(problems.some((p) => pattern.test(p))).toBe(true);
  });

  it("reports an unreadable certificate or password file as a configuration error", () => {
    const config = loadConfig(schema, {
      ...base,
      KAFKA_SSL: "true",
      KAFKA_SSL_CA_FILE: join(dir, "missing-ca.pem"),
      KAFKA_SASL_MECHANISM: "scram-sha-512",
      KAFKA_SASL_USERNAME: "u",
      KAFKA_SASL_PASSWORD_FILE: join(dir, "missing-password"),
    });
    expect(() => kafkaSecurityOf(config)).toThrow(ConfigError);
    expect(() => kafkaSecurityOf(config)).toThrow(/KAFKA_SSL_CA_FILE: cannot read .*missing-ca\.pem \(ENOENT\)/);
    expect(() => kafkaSecurityOf(config)).toThrow(/KAFKA_SASL_PASSWORD_FILE: cannot read/);
  });
});
