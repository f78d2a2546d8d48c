import { readFileSync } from "node:fs";
import type { KafkaSecurity } from "@data-exporter/bus";
import { ConfigError } from "./errors.js";

/** The Kafka security variables (`kafkaSecurityEnv`), as parsed. */
export interface KafkaSecurityVars {
  readonly KAFKA_SSL: boolean;
  readonly KAFKA_SSL_CA_FILE?: string | undefined;
  readonly KAFKA_SSL_CERT_FILE?: string | undefined;
  readonly KAFKA_SSL_KEY_FILE?: string | undefined;
  readonly KAFKA_SSL_SERVERNAME?: string | undefined;
  readonly KAFKA_SASL_MECHANISM?: "plain" | "scram-sha-256" | "scram-sha-512" | "aws-msk-iam" | undefined;
  readonly KAFKA_SASL_USERNAME?: string | undefined;
  readonly KAFKA_SASL_PASSWORD?: string | undefined;
  readonly KAFKA_SASL_PASSWORD_FILE?: string | undefined;
  readonly KAFKA_SASL_AWS_REGION?: string | undefined;
}

/**
 * What is incomplete or contradictory in a Kafka security choice, one message per variable: a setting that would be
 * silently ignored is as wrong as a missing one, since the operator believes it applies.
 */
export function kafkaSecurityProblems(vars: KafkaSecurityVars): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const problem = (path: string, message: string): number => problems.push({ path, message });
  if (!vars.KAFKA_SSL)
    for (const name of [
      "KAFKA_SSL_CA_FILE",
      "KAFKA_SSL_CERT_FILE",
      "KAFKA_SSL_KEY_FILE",
      "KAFKA_SSL_SERVERNAME",
    ] as const)
      if (vars[name] !== undefined) problem(name, "only applies with KAFKA_SSL=true");
  if ((vars.KAFKA_SSL_CERT_FILE === undefined) !== (vars.KAFKA_SSL_KEY_FILE === undefined))
    problem(
      vars.KAFKA_SSL_CERT_FILE === undefined ? "KAFKA_SSL_CERT_FILE" : "KAFKA_SSL_KEY_FILE",
      "mutual TLS needs both KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE",
    );

  const mechanism = vars.KAFKA_SASL_MECHANISM;
  const password = vars.KAFKA_SASL_PASSWORD !== undefined || vars.KAFKA_SASL_PASSWORD_FILE !== undefined;
  if (vars.KAFKA_SASL_PASSWORD !== undefined && vars.KAFKA_SASL_PASSWORD_FILE !== undefined)
    problem("KAFKA_SASL_PASSWORD", "set either it or KAFKA_SASL_PASSWORD_FILE, not both");
  if (mechanism === undefined) {
    for (const name of ["KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD", "KAFKA_SASL_PASSWORD_FILE"] as const)
      if (vars[name] !== undefined) problem(name, "only applies with KAFKA_SASL_MECHANISM");
  } else if (mechanism === "aws-msk-iam") {
    if (vars.KAFKA_SASL_AWS_REGION === undefined)
      problem("KAFKA_SASL_AWS_REGION", "is required with KAFKA_SASL_MECHANISM=aws-msk-iam");
    if (!vars.KAFKA_SSL)
      problem("KAFKA_SSL", "must be true with KAFKA_SASL_MECHANISM=aws-msk-iam (MSK IAM is TLS only)");
    for (const name of ["KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD", "KAFKA_SASL_PASSWORD_FILE"] as const)
      if (vars[name] !== undefined) problem(name, "does not apply to aws-msk-iam (it signs with AWS credentials)");
  } else {
    if (vars.KAFKA_SASL_USERNAME === undefined)
      problem("KAFKA_SASL_USERNAME", `is required with KAFKA_SASL_MECHANISM=${mechanism}`);
    if (!password)
      problem("KAFKA_SASL_PASSWORD", `KAFKA_SASL_MECHANISM=${mechanism} needs it or KAFKA_SASL_PASSWORD_FILE`);
    if (mechanism === "plain" && !vars.KAFKA_SSL)
      problem("KAFKA_SSL", "must be true with KAFKA_SASL_MECHANISM=plain (it would send the password in clear)");
  }
  if (mechanism !== "aws-msk-iam" && vars.KAFKA_SASL_AWS_REGION !== undefined)
    problem("KAFKA_SASL_AWS_REGION", "only applies with KAFKA_SASL_MECHANISM=aws-msk-iam");
  return problems;
}

/**
 * The bus's security settings of validated variables, with the certificate, key and password files read now: an
 * unreadable file is a configuration error at start-up, not a connection failure later. Call after `loadConfig`.
 */
export function kafkaSecurityOf(
  vars: KafkaSecurityVars,
  readFile: (path: string) => string = (path) => readFileSync(path, "utf8"),
): KafkaSecurity {
  const unreadable: string[] = [];
  const read = (name: string, path: string | undefined): string | undefined => {
    if (path === undefined) return undefined;
    try {
      return readFile(path);
    } catch (error) {
      unreadable.push(`${name}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
      return undefined;
    }
  };
  const tls = vars.KAFKA_SSL
    ? {
        ca: read("KAFKA_SSL_CA_FILE", vars.KAFKA_SSL_CA_FILE),
        cert: read("KAFKA_SSL_CERT_FILE", vars.KAFKA_SSL_CERT_FILE),
        key: read("KAFKA_SSL_KEY_FILE", vars.KAFKA_SSL_KEY_FILE),
        servername: vars.KAFKA_SSL_SERVERNAME,
      }
    : undefined;
  const mechanism = vars.KAFKA_SASL_MECHANISM;
  let sasl: KafkaSecurity["sasl"];
  if (mechanism === "aws-msk-iam") sasl = { mechanism, region: vars.KAFKA_SASL_AWS_REGION ?? "" };
  else if (mechanism !== undefined) {
    // A mounted secret file usually ends with a newline that is not part of the password.
    const fromFile = read("KAFKA_SASL_PASSWORD_FILE", vars.KAFKA_SASL_PASSWORD_FILE)?.replace(/\r?\n$/, "");
    sasl = {
      mechanism,
      username: vars.KAFKA_SASL_USERNAME ?? "",
      password: vars.KAFKA_SASL_PASSWORD ?? fromFile ?? "",
    };
  }
  if (unreadable.length > 0) throw new ConfigError(unreadable);
  return { tls, sasl };
}
