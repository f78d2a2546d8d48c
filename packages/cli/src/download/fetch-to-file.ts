import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { CliError } from "../errors.js";

/** Downloads `url` to `path` and returns the SHA-256 of its bytes; the file appears only once it is complete. */
export async function fetchToFile(url: string, path: string): Promise<string> {
  const response = await fetchOrFail(url);
  if (!response.ok || response.body === null) {
    throw new CliError("DOWNLOAD_MISMATCH", `download of ${path} failed: HTTP ${response.status}`);
  }
  await mkdir(dirname(path), { recursive: true });
  const partial = `${path}.partial`;
  const hash = createHash("sha256");
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(
      Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
      hashing,
      createWriteStream(partial),
    );
  } catch (error) {
    await rm(partial, { force: true });
    throw new CliError("BACKEND_UNREACHABLE", `download of ${path} broke off: ${(error as Error).message}`, {
      cause: error,
    });
  }
  await rename(partial, path);
  return hash.digest("hex");
}

/** A presigned link's JSON document (a manifest). */
export async function fetchJson(url: string, what: string): Promise<unknown> {
  const response = await fetchOrFail(url);
  if (!response.ok) throw new CliError("DOWNLOAD_MISMATCH", `${what}: HTTP ${response.status}`);
  return (await response.json()) as unknown;
}

async function fetchOrFail(url: string): Promise<Response> {
  try {
    return await fetch(url);
  } catch (error) {
    throw new CliError("BACKEND_UNREACHABLE", `cannot reach the object store at ${new URL(url).origin}`, {
      cause: error,
    });
  }
}
