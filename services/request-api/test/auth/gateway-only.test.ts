import { describe, expect, it } from "@jest/globals";
import { signedContent, type SignedParams } from "@data-exporter/gateway-auth";
import { HMAC_EXTENSION, signedByGateway } from "../../src/auth/gateway-only.js";

const secret = "shared-with-the-gateway";

/** The gateway's signature as @graphql-mesh/hmac-upstream-signature makes it: WebCrypto HMAC-SHA256, then btoa. */
async function gatewaySignature(key: string, params: SignedParams): Promise<string> {
  const encoder = new TextEncoder();
  const cryptoKey = await crypto.subtle.importKey(
    "raw",
    encoder.encode(key),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const signature = await crypto.subtle.sign("HMAC", cryptoKey, encoder.encode(signedContent(params)));
  return btoa(String.fromCharCode(...new Uint8Array(signature)));
}

const request = (extensions: Record<string, unknown>): SignedParams => ({
  query: "mutation ($s: Int!, $e: Int!) { requestData(startTime: $s, endTime: $e) }",
  variables: { s: 1_712_322_000, e: 1_712_325_600 },
  extensions: { jwt: { payload: { sub: "alice", roles: [] } }, ...extensions },
});

describe("signedByGateway", () => {
  it("accepts the gateway's signature of the operation, variables and forwarded payload", async () => {
    const params = request({});
    const signed = {
      ...params,
      extensions: { ...params.extensions, [HMAC_EXTENSION]: await gatewaySignature(secret, params) },
    };
    expect(signedByGateway(secret, signed)).toBe(true);
  });

  it("refuses a signature made with another secret, or over other variables or another caller", async () => {
    const params = request({});
    const signature = await gatewaySignature(secret, params);
    const sign = (p: SignedParams) => ({ ...p, extensions: { ...p.extensions, [HMAC_EXTENSION]: signature } });
    expect(signedByGateway("another secret", sign(params))).toBe(false);
    expect(signedByGateway(secret, sign({ ...params, variables: { s: 1_712_322_000, e: 1_712_329_200 } }))).toBe(false);
    expect(
      signedByGateway(secret, sign({ ...params, extensions: { jwt: { payload: { sub: "mallory", roles: [] } } } })),
    ).toBe(false);
  });

  it("refuses a request without a signature, or with one that is not a string or not the right length", () => {
    expect(signedByGateway(secret, request({}))).toBe(false);
    expect(signedByGateway(secret, { query: "{ __typename }" })).toBe(false);
    expect(signedByGateway(secret, request({ [HMAC_EXTENSION]: 42 }))).toBe(false);
    expect(signedByGateway(secret, request({ [HMAC_EXTENSION]: "c2hvcnQ=" }))).toBe(false);
  });
});
