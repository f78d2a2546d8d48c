import { createHash, randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { S3ObjectStore, createS3Client } from "../../src/index.js";

// Runs against the local S3 emulator (moto) from the jest global setup.
const endpoint = process.env["AWS_ENDPOINT_URL"];

describe("S3ObjectStore against the local S3", () => {
  let dir = "";
  let store: S3ObjectStore;

  beforeAll(async () => {
    if (endpoint === undefined) throw new Error("AWS_ENDPOINT_URL is not set: run through the jest global setup");
    dir = await mkdtemp(join(tmpdir(), "object-store-test-"));
    store = new S3ObjectStore({
      client: createS3Client({ endpoint, region: process.env["AWS_REGION"] ?? "ap-southeast-2", forcePathStyle: true }),
      bucket: `test-object-store-${randomUUID()}`,
      partSizeBytes: 5 * 1024 * 1024,
    });
    await store.ensureBucket();
    await store.ensureBucket(); // idempotent
  });

  afterAll(async () => {
    if (dir !== "") await rm(dir, { recursive: true, force: true });
  });

  it("uploads a file larger than one part as a multipart upload, lists it and serves it through a presigned GET", async () => {
    const content = randomBytes(11 * 1024 * 1024 + 123);
    const path = join(dir, "big.bin");
    await writeFile(path, content);

    const put = await store.putFile("exports/r1/big.bin", path, "application/octet-stream");
    expect(put).toEqual({
      key: "exports/r1/big.bin",
      bytes: content.length,
      versionId: expect.any(String),
      // Hashed as it went up, over several parts: the SHA-256 of the whole file.
      sha256: createHash("sha256").update(content).digest("hex"),
    });

    await store.putObject("exports/r1/manifest", JSON.stringify({ ok: true }), "application/json");
    await store.putObject("exports/r2/other", "x");
    expect(await store.list("exports/r1/")).toEqual([
      { key: "exports/r1/big.bin", size: content.length },
      { key: "exports/r1/manifest", size: 11 },
    ]);
    expect(JSON.parse(await store.getText("exports/r1/manifest"))).toEqual({ ok: true });

    const url = await store.presignGet("exports/r1/big.bin", 600);
    expect(new URL(url).searchParams.get("X-Amz-Expires")).toBe("600");
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(content)).toBe(true);
  });

  it("creates the bucket versioned, so an overwritten or deleted object stays readable by its version", async () => {
    expect(await store.versioning()).toBe("Enabled");
    const first = await store.putObject("versions/k", "one");
    const second = await store.putObject("versions/k", "two");
    expect(first.versionId).not.toBe(second.versionId);
    await store.deleteObjects(["versions/k"]);
    expect(await store.exists("versions/k")).toBe(false);
    expect(await store.exists("versions/k", first.versionId)).toBe(true);
    const pinned = await fetch(await store.presignGet("versions/k", 60, first.versionId));
    expect(await pinned.text()).toBe("one");
    expect((await fetch(await store.presignGet("versions/k", 60))).status).toBe(404);
  });

  it("deletes objects, tolerating missing ones", async () => {
    await store.putObject("del/a", "a");
    await store.deleteObjects(["del/a", "del/missing"]);
    expect(await store.list("del/")).toEqual([]);
  });

  it("reports a missing key and a missing bucket as non-retryable typed errors", async () => {
    await expect(store.getObject("nope")).rejects.toMatchObject({
      code: "NO_SUCH_KEY",
      retryable: false,
      errorKind: "OBJECT_STORE",
    });
    const missing = new S3ObjectStore({
      client: createS3Client({ endpoint: endpoint!, region: "ap-southeast-2", forcePathStyle: true }),
      bucket: `missing-${randomUUID()}`,
    });
    await expect(missing.putObject("k", "v")).rejects.toMatchObject({ code: "NO_SUCH_BUCKET", retryable: false });
  });

  it("reports an unreachable endpoint as retryable", async () => {
    const down = new S3ObjectStore({
      client: createS3Client({ endpoint: "http://127.0.0.1:9", region: "ap-southeast-2", forcePathStyle: true }),
      bucket: "any",
    });
    await expect(down.list("")).rejects.toMatchObject({ code: "UNAVAILABLE", retryable: true });
  });
});
