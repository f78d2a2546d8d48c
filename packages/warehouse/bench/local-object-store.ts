import { copyFile, mkdir, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import {
  ObjectStoreError,
  type BucketVersioning,
  type ObjectInfo,
  type ObjectStore,
  type PutResult,
} from "@data-exporter/object-store";

/** An ObjectStore on a local directory (unversioned): lets the benchmark measure the export without S3 in the way. */
export class LocalDirectoryObjectStore implements ObjectStore {
  readonly bucket = "local";
  constructor(private readonly root: string) {}
  async ensureBucket(): Promise<void> {
    await mkdir(this.root, { recursive: true });
  }
  async putFile(key: string, localPath: string): Promise<PutResult> {
    await mkdir(dirname(join(this.root, key)), { recursive: true });
    await copyFile(localPath, join(this.root, key));
    return { key, bytes: (await stat(localPath)).size, versionId: null };
  }
  async putObject(key: string, body: string | Uint8Array): Promise<PutResult> {
    await mkdir(dirname(join(this.root, key)), { recursive: true });
    await writeFile(join(this.root, key), body);
    return { key, bytes: typeof body === "string" ? Buffer.byteLength(body) : body.byteLength, versionId: null };
  }
  versioning(): Promise<BucketVersioning> {
    return Promise.resolve("Disabled");
  }
  async exists(key: string): Promise<boolean> {
    return stat(join(this.root, key)).then(
      () => true,
      () => false,
    );
  }
  async getObject(key: string): Promise<Uint8Array> {
    try {
      return await readFile(join(this.root, key));
    } catch (error) {
      // As S3 answers: publishExport reads a folder's manifest to learn whether one is there.
      if ((error as { code?: unknown }).code === "ENOENT")
        throw new ObjectStoreError("NO_SUCH_KEY", `no object ${key}`, { key });
      throw error;
    }
  }
  async getFile(key: string, localPath: string): Promise<number> {
    await copyFile(join(this.root, key), localPath);
    return (await stat(localPath)).size;
  }
  async getText(key: string): Promise<string> {
    return readFile(join(this.root, key), "utf8");
  }
  async list(prefix: string): Promise<ObjectInfo[]> {
    const entries = await readdir(this.root, { recursive: true, withFileTypes: true }).catch(() => []);
    const out: ObjectInfo[] = [];
    for (const e of entries) {
      if (!e.isFile()) continue;
      const key = relative(this.root, join(e.parentPath, e.name));
      if (key.startsWith(prefix)) out.push({ key, size: (await stat(join(this.root, key))).size });
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : 1));
  }
  async deleteObjects(keys: readonly string[]): Promise<void> {
    for (const key of keys) await rm(join(this.root, key), { force: true });
  }
  /** No versions here: the key itself goes. */
  async deleteVersions(objects: readonly { key: string }[]): Promise<void> {
    await this.deleteObjects(objects.map((o) => o.key));
  }
  presignGet(key: string): Promise<string> {
    return Promise.resolve(`file://${join(this.root, key)}`);
  }
}
