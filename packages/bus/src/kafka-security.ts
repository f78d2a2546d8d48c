import type { ConnectionOptions } from "node:tls";
import type { KafkaConfig, SASLOptions } from "kafkajs";
import { generateAuthToken } from "aws-msk-iam-sasl-signer-js";

/** TLS to the brokers. PEM text, not paths: the caller reads its files (and reports unreadable ones) at start-up. */
export interface KafkaTls {
  /** CA certificates the brokers' certificates must chain to; Node's public CAs when absent (Amazon MSK). */
  readonly ca?: string | undefined;
  /** Client certificate and key for mutual TLS; both or neither. */
  readonly cert?: string | undefined;
  readonly key?: string | undefined;
  /** Name the broker certificate must carry, when it differs from the broker host (SNI and hostname check). */
  readonly servername?: string | undefined;
}

/** SASL authentication: a user and password (PLAIN, SCRAM), or Amazon MSK IAM with the process's AWS credentials. */
export type KafkaSasl =
  | {
      readonly mechanism: "plain" | "scram-sha-256" | "scram-sha-512";
      readonly username: string;
      readonly password: string;
    }
  | {
      readonly mechanism: "aws-msk-iam";
      /** Region of the MSK cluster; the token is signed for it. */
      readonly region: string;
    };

/** How a client proves who it is and protects the connection; nothing means PLAINTEXT (local stack only). */
export interface KafkaSecurity {
  readonly tls?: KafkaTls | undefined;
  readonly sasl?: KafkaSasl | undefined;
}

/** Makes an MSK IAM token (a SigV4-presigned URL) for a region: aws-msk-iam-sasl-signer-js by default. */
export type MskTokenSigner = (region: string) => Promise<{ readonly token: string }>;

const defaultSigner: MskTokenSigner = (region) => generateAuthToken({ region });

/**
 * The kafkajs `ssl` and `sasl` settings of a security choice; a pure mapping so every mode is unit-tested. MSK IAM
 * is SASL/OAUTHBEARER whose bearer token the AWS signer library makes from the default credential chain, asked
 * anew on every (re)authentication so rotated credentials and expiring tokens are picked up.
 */
export function kafkaSecurityConfig(
  security: KafkaSecurity | undefined,
  signer: MskTokenSigner = defaultSigner,
): Pick<KafkaConfig, "ssl" | "sasl"> {
  const config: Pick<KafkaConfig, "ssl" | "sasl"> = {};
  if (security?.tls !== undefined) config.ssl = tlsOptions(security.tls);
  if (security?.sasl !== undefined) config.sasl = saslOptions(security.sasl, signer);
  return config;
}

function tlsOptions(tls: KafkaTls): ConnectionOptions | true {
  const options: ConnectionOptions = {};
  if (tls.ca !== undefined) options.ca = [tls.ca];
  if (tls.cert !== undefined) options.cert = tls.cert;
  if (tls.key !== undefined) options.key = tls.key;
  if (tls.servername !== undefined) options.servername = tls.servername;
  // `true` is kafkajs's "TLS with Node's defaults" (public CAs, hostname checked).
  return Object.keys(options).length === 0 ? true : options;
}

function saslOptions(sasl: KafkaSasl, signer: MskTokenSigner): SASLOptions {
  if (sasl.mechanism === "aws-msk-iam") {
    const { region } = sasl;
    return {
      mechanism: "oauthbearer",
      oauthBearerProvider: async () => ({ value: (await signer(region)).token }),
    };
  }
  return { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password };
}

/** What a security choice amounts to, for logs: never a secret. */
export function describeKafkaSecurity(security: KafkaSecurity | undefined): string {
  const transport = security?.tls === undefined ? "plaintext" : security.tls.cert ? "mutual TLS" : "TLS";
  const sasl = security?.sasl;
  if (sasl === undefined) return transport;
  return sasl.mechanism === "aws-msk-iam"
    ? `${transport} + MSK IAM (${sasl.region})`
    : `${transport} + SASL ${sasl.mechanism.toUpperCase()} as ${sasl.username}`;
}
