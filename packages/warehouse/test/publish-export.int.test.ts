import { createHash, randomUUID } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { ListObjectVersionsCommand } from "@aws-sdk/client-s3";
import { createS3Client, S3ObjectStore } from "@data-exporter/object-store";
import { buildManifest, type UnloadManifest, type UnloadResult } from "../src/index.js";
import { publishExport, supersededRoot } from "../src/publish-export.js";
import { unloadCommand } from "./fixtures.js";

// Generations of one folder on the real S3 emulator (versioned bucket): what a folder reader lists, and what each
// request's pinned links serve, after exports of the same window in either order.

const tempDir = join(tmpdir(), `publish-test-${randomUUID()}`);
let store: S3ObjectStore;
let client: ReturnType<typeof createS3Client>;

beforeAll(async () => {
  const endpoint = process.env["AWS_ENDPOINT_URL"];
  if (!endpoint) throw new Error("AWS_ENDPOINT_URL is not set: run through the jest global setup");
  client = createS3Client({ endpoint, region: process.env["AWS_REGION"] ?? "ap-southeast-2", forcePathStyle: true });
  store = new S3ObjectStore({ client, bucket: `publish-test-${randomUUID()}` });
  await store.ensureBucket();
  await mkdir(tempDir, { recursive: true });
});
afterAll(() => rm(tempDir, { recursive: true, force: true }));

const sha256 = (bytes: Uint8Array | string): string => createHash("sha256").update(bytes).digest("hex");

/** Publishes `contents` (one data file each) as request `requestId` planned at `plannedAt`. */
async function publish(
  prefix: string,
  requestId: string,
  plannedAt: number,
  contents: string[],
  beforeCommit?: () => Promise<void>,
) {
  const command = unloadCommand({ outputPrefix: prefix, requestId, issuedAt: plannedAt, fileBaseName: "way" });
  const files = await Promise.all(
    contents.map(async (content, index) => {
      const path = join(tempDir, `${randomUUID()}.parquet`);
      await writeFile(path, content);
      const key = `${prefix}way_${String(index).padStart(3, "0")}.parquet`;
      return { path, file: { key, rows: 1 } };
    }),
  );
  return publishExport(store, {
    command,
    files,
    manifest: (published) => buildManifest(command, published, [], new Date(plannedAt)),
    isOwnDataFile: (name) => /^way_\d{3}\.parquet$/.test(name),
    beforeCommit,
  });
}

/** What a link pinned to the file's version downloads. */
async function download(key: string, versionId: string | null): Promise<string> {
  const response = await fetch(await store.presignGet(key, 60, versionId));
  expect(response.status).toBe(200);
  return response.text();
}

const listed = async (prefix: string): Promise<string[]> => (await store.list(prefix)).map((o) => o.key);

async function expectServes(result: UnloadResult, contents: string[]): Promise<void> {
  expect(await Promise.all(result.files.map((f) => download(f.key, f.versionId)))).toEqual(contents);
  for (const file of result.files) expect(sha256(await download(file.key, file.versionId))).toBe(file.sha256);
}

describe("publishExport", () => {
  it("takes back the data files it uploaded when stopped before its manifest (a cancelled export): none is listed", async () => {
    const prefix = `dev/data_exporter_service/way/${randomUUID()}/`;
    const first = await publish(prefix, "11111111-1111-4111-8111-111111111111", 1_000, ["a0"]);
    let checks = 0;
    // The fifth check comes after both data files went up, right before the manifest.
    const cancelledBeforeManifest = () =>
      ++checks === 5 ? Promise.reject(new Error("export cancelled")) : Promise.resolve();
    await expect(
      publish(prefix, "22222222-2222-4222-8222-222222222222", 2_000, ["b0", "b1"], cancelledBeforeManifest),
    ).rejects.toThrow("export cancelled");
    expect(checks).toBe(5);
    // The stopped export's files are gone (their versions deleted), and the older generation stays hidden, not
    // lost: its request's pinned links still serve its bytes.
    expect(await listed(prefix)).toEqual([]);
    await expectServes(first, ["a0"]);
    const { Versions = [] } = await client.send(
      new ListObjectVersionsCommand({ Bucket: store.bucket, Prefix: prefix }),
    );
    expect(Versions.map((v) => v.VersionId).sort()).toEqual(
      [first.manifestVersionId, ...first.files.map((f) => f.versionId)].sort(),
    );
  });

  it("replaces an older generation: the folder lists only the new one, and the old request's links still serve its bytes", async () => {
    const prefix = `dev/data_exporter_service/way/${randomUUID()}/`;
    const first = await publish(prefix, "11111111-1111-4111-8111-111111111111", 1_000, ["a0", "a1", "a2"]);
    const second = await publish(prefix, "22222222-2222-4222-8222-222222222222", 2_000, ["b0", "b1"]);

    expect(await listed(prefix)).toEqual([`${prefix}manifest`, `${prefix}way_000.parquet`, `${prefix}way_001.parquet`]);
    const manifest = JSON.parse(await store.getText(`${prefix}manifest`)) as UnloadManifest;
    expect(manifest.requestId).toBe("22222222-2222-4222-8222-222222222222");
    expect(manifest.files.map((f) => f.versionId)).toEqual(second.files.map((f) => f.versionId));
    expect(second.files.every((f) => typeof f.versionId === "string")).toBe(true);

    await expectServes(first, ["a0", "a1", "a2"]);
    await expectServes(second, ["b0", "b1"]);
    const firstManifest = JSON.parse(await download(first.manifestKey, first.manifestVersionId)) as UnloadManifest;
    expect(firstManifest.requestId).toBe("11111111-1111-4111-8111-111111111111");
    // The third file of the first generation is hidden, not lost.
    expect(await store.exists(`${prefix}way_002.parquet`)).toBe(false);
    expect(await store.exists(`${prefix}way_002.parquet`, first.files[2]?.versionId)).toBe(true);
  });

  it("keeps a later-planned generation when an earlier-planned export publishes after it, under _superseded/", async () => {
    const prefix = `dev/2026/11/25/way-${randomUUID()}/`;
    const newer = await publish(prefix, "33333333-3333-4333-8333-333333333333", 5_000, ["new0"]);
    const older = await publish(prefix, "44444444-4444-4444-8444-444444444444", 4_000, ["old0", "old1"]);

    expect(await listed(prefix)).toEqual([`${prefix}manifest`, `${prefix}way_000.parquet`]);
    expect((JSON.parse(await store.getText(`${prefix}manifest`)) as UnloadManifest).requestId).toBe(
      "33333333-3333-4333-8333-333333333333",
    );
    const own = `${supersededRoot}44444444-4444-4444-8444-444444444444/${prefix}`;
    expect(older.manifestKey).toBe(`${own}manifest`);
    expect(older.files.map((f) => f.key)).toEqual([`${own}way_000.parquet`, `${own}way_001.parquet`]);
    await expectServes(older, ["old0", "old1"]);
    await expectServes(newer, ["new0"]);
    const olderManifest = JSON.parse(await store.getText(older.manifestKey)) as UnloadManifest;
    expect(olderManifest.files.map((f) => f.key)).toEqual(older.files.map((f) => f.key));
  });

  it("lets a retry of the same request replace its own generation", async () => {
    const prefix = `dev/data_exporter_service/way/${randomUUID()}/`;
    const requestId = "55555555-5555-4555-8555-555555555555";
    await publish(prefix, requestId, 1_000, ["try1-0", "try1-1"]);
    const retry = await publish(prefix, requestId, 1_000, ["try2-0"]);
    expect(await listed(prefix)).toEqual([`${prefix}manifest`, `${prefix}way_000.parquet`]);
    await expectServes(retry, ["try2-0"]);
  });
});
