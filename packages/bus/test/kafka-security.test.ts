import { describe, expect, it } from "@jest/globals";
import { generateAuthTokenFromCredentialsProvider } from "aws-msk-iam-sasl-signer-js";
import type { OauthbearerProviderResponse } from "kafkajs";
import { describeKafkaSecurity, kafkaSecurityConfig, type MskTokenSigner } from "../src/index.js";

const pem = (label: string): string => `-----BEGIN ${label}-----\nAAAA\n-----END ${label}-----\n`;

/** The real signer library with fixed credentials: what it signs can be read back from the token. */
const signer: MskTokenSigner = (region) =>
  generateAuthTokenFromCredentialsProvider({
    region,
    awsCredentialsProvider: () => Promise.resolve({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" }),
  });

describe("kafkaSecurityConfig", () => {
  it("adds nothing without security (PLAINTEXT)", () => {
    expect(kafkaSecurityConfig(undefined)).toEqual({});
    expect(kafkaSecurityConfig({})).toEqual({});
  });

  it("uses Node's TLS defaults when no CA, certificate or server name is given (public CAs, as Amazon MSK's)", () => {
    expect(kafkaSecurityConfig({ tls: {} })).toEqual({ ssl: true });
  });

  it("passes a private CA, a client certificate and key (mutual TLS) and the server name to Node's TLS", () => {
    const tls = { ca: pem("CERTIFICATE"), cert: pem("CERTIFICATE"), key: pem("PRIVATE KEY"), servername: "b-1.msk" };
    expect(kafkaSecurityConfig({ tls })).toEqual({
      ssl: { ca: [tls.ca], cert: tls.cert, key: tls.key, servername: "b-1.msk" },
    });
  });

  it.each(["plain", "scram-sha-256", "scram-sha-512"] as const)(
    "maps SASL %s to its kafkajs mechanism",
    (mechanism) => {
      expect(kafkaSecurityConfig({ tls: {}, sasl: { mechanism, username: "planner", password: "p@ss" } })).toEqual({
        ssl: true,
        sasl: { mechanism, username: "planner", password: "p@ss" },
      });
    },
  );

  it("maps MSK IAM to OAUTHBEARER whose token the signer library makes for the cluster's region, anew each time", async () => {
    const config = kafkaSecurityConfig({ tls: {}, sasl: { mechanism: "aws-msk-iam", region: "eu-west-1" } }, signer);
    expect(config.ssl).toBe(true);
    expect(config.sasl?.mechanism).toBe("oauthbearer");
    const provider = (config.sasl as { oauthBearerProvider: () => Promise<OauthbearerProviderResponse> })
      .oauthBearerProvider;
    const { value } = await provider();
    const url = new URL(Buffer.from(value, "base64url").toString());
    expect(url.host).toBe("kafka.eu-west-1.amazonaws.com");
    expect(url.searchParams.get("Action")).toBe("kafka-cluster:Connect");
    expect(url.searchParams.get("X-Amz-Credential")).toMatch(/^AKIDEXAMPLE\/\d{8}\/eu-west-1\/kafka-cluster\//);
    let calls = 0;
    const counted = kafkaSecurityConfig({ sasl: { mechanism: "aws-msk-iam", region: "us-east-1" } }, (region) => {
      calls += 1;
      return signer(region);
    });
    const countedProvider = (counted.sasl as { oauthBearerProvider: () => Promise<OauthbearerProviderResponse> })
      .oauthBearerProvider;
    await countedProvider();
    await countedProvider();
    expect(calls).toBe(2);
  });
});

describe("describeKafkaSecurity", () => {
  it("says what the connection uses without the password", () => {
    expect(describeKafkaSecurity(undefined)).toBe("plaintext");
    const scram = describeKafkaSecurity({
      tls: { ca: pem("CERTIFICATE") },
      sasl: { mechanism: "scram-sha-512", username: "planner", password: "hunter2" },
    });
    expect(scram).toBe("TLS + SASL SCRAM-SHA-512 as planner");
    expect(scram).not.toContain("hunter2");
    expect(describeKafkaSecurity({ tls: { cert: "c", key: "k" } })).toBe("mutual TLS");
    expect(describeKafkaSecurity({ tls: {}, sasl: { mechanism: "aws-msk-iam", region: "eu-west-1" } })).toBe(
      "TLS + MSK IAM (eu-west-1)",
    );
  });
});
