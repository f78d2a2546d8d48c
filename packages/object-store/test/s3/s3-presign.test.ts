import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "@jest/globals";
import { S3Client } from "@aws-sdk/client-s3";
import { SignatureV4 } from "@smithy/signature-v4";
import { S3ObjectStore } from "../../src/index.js";

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const signingDate = new Date("2026-03-01T10:20:30Z");

// The SDK signer wants a hash class with the browser-style update/digest interface.
type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: SourceData): string | Uint8Array =>
  typeof data === "string"
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);
class NodeSha256 {
  readonly #hash;
  constructor(secret?: SourceData) {
    this.#hash = secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(secret));
  }
  update(data: SourceData): void {
    this.#hash.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.#hash.digest()));
  }
}

function store(): S3ObjectStore {
  const client = new S3Client({
    region: "ap-southeast-2",
    endpoint: "http://127.0.0.1:9",
    forcePathStyle: true,
    credentials,
  });
  return new S3ObjectStore({ client, bucket: "exports", now: () => signingDate });
}

describe("S3ObjectStore.presignGet", () => {
  it("carries the expiry and a SigV4 signature the SDK signer reproduces", async () => {
    const url = new URL(await store().presignGet("req-1/traffic/traffic_000.parquet", 3600));
    expect(url.pathname).toBe("/exports/req-1/traffic/traffic_000.parquet");
    expect(url.searchParams.get("X-Amz-Expires")).toBe("3600");
    expect(url.searchParams.get("X-Amz-Date")).toBe("20260301T102030Z");
    expect(url.searchParams.get("X-Amz-Credential")).toBe("AKIDEXAMPLE/20260301/ap-southeast-2/s3/aws4_request");

    const signer = new SignatureV4({
      credentials,
      region: "ap-southeast-2",
      service: "s3",
      sha256: NodeSha256,
      uriEscapePath: false,
    });
    // Sign the same request from scratch: the URL's own parameters minus what the signer adds, and S3's unsigned
    // payload marker, which the presigner hoists into the query.
    const query: Record<string, string> = {};
    for (const [name, value] of url.searchParams) if (!name.startsWith("X-Amz-")) query[name] = value;
    const request = (q: Record<string, string>) => ({
      method: "GET",
      protocol: "http:",
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: q,
      headers: { host: url.host, "X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD" },
    });
    const expected = await signer.presign(request(query), { signingDate, expiresIn: 3600 });
    expect(url.searchParams.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
    expect(url.searchParams.get("X-Amz-Signature")).toBe(expected.query?.["X-Amz-Signature"]);

    // Changing the expiry changes the signature: a holder cannot extend the link.
    const longer = await signer.presign(request(query), { signingDate, expiresIn: 7200 });
    expect(longer.query?.["X-Amz-Signature"]).not.toBe(url.searchParams.get("X-Amz-Signature"));
  });

  it("rejects expiries SigV4 does not allow", async () => {
    await expect(store().presignGet("k", 0)).rejects.toMatchObject({ code: "REQUEST_FAILED", retryable: false });
    await expect(store().presignGet("k", 8 * 24 * 3600)).rejects.toMatchObject({ code: "REQUEST_FAILED" });
  });
});
