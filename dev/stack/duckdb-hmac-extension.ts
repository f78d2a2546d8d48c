/**
 * Builds the `hmac` DuckDB extension (packages/warehouse/native/hmac: hmac_sha256_hex(VARCHAR, BLOB), native
 * HMAC-SHA256 with SHA-NI) from the checked-in C sources with the machine's gcc, once per version of the sources:
 * `.cache/duckdb-hmac/<digest of sources and flags>/hmac.duckdb_extension`. No network: the DuckDB C API headers are
 * vendored beside the sources.
 *
 * Loading it needs the DuckDB setting allow_unsigned_extensions, since only DuckDB's own builds carry its signature.
 * That setting lets the instance load any unsigned file it is pointed at, so it is acceptable only where the path
 * is this file, built here from our own reviewed sources (never a path from user input or a download).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { StackError } from "./errors.js";
import { cacheDir, repoRoot } from "./paths.js";
import { run } from "./processes.js";

/** Where the C sources live; the loadable file's name must be `<extension name>.duckdb_extension`. */
export const hmacSourceDir = join(repoRoot, "packages", "warehouse", "native", "hmac");
const extensionName = "hmac";
/** The stable C API the vendored headers declare (duckdb_extension.h: v1.2.0); DuckDB ≥ 1.2 loads it. */
export const hmacCApiVersion = "v1.2.0";
const extensionVersion = "v1";
export const hmacCompilerFlags: readonly string[] = [
  "-O3",
  "-shared",
  "-fPIC",
  "-fvisibility=hidden",
  "-std=c11",
  "-Wall",
  "-Wextra",
  "-s",
];

/** DuckDB's platform name for this machine, or undefined where the extension is not built (Linux only for now). */
export function duckdbPlatform(platform: NodeJS.Platform, arch: string): string | undefined {
  if (platform !== "linux") return undefined;
  return arch === "x64" ? "linux_amd64" : arch === "arm64" ? "linux_arm64" : undefined;
}

export interface ExtensionMetadata {
  readonly platform: string;
  /** For the C_STRUCT ABI: the C API version the extension targets, which DuckDB checks against its own. */
  readonly cApiVersion: string;
  readonly extensionVersion: string;
}

const field = (value: string): Buffer => {
  const bytes = Buffer.alloc(32);
  if (Buffer.byteLength(value, "ascii") > 32) throw new RangeError(`metadata field longer than 32 bytes: ${value}`);
  bytes.write(value, "ascii");
  return bytes;
};

/**
 * The trailer DuckDB reads from the end of a loadable extension (extension-ci-tools'
 * append_extension_metadata.py): a WebAssembly custom-section header named duckdb_signature, eight 32-byte fields
 * in reverse order (unused ×3, ABI type, extension version, DuckDB/C API version, platform, the magic "4"), then 256
 * bytes of signature, left empty since we cannot sign.
 */
export function extensionFooter(meta: ExtensionMetadata): Buffer {
  const sectionHeader = Buffer.concat([
    Buffer.from([0, 147, 4, 16]),
    Buffer.from("duckdb_signature", "ascii"),
    Buffer.from([128, 4]),
  ]);
  const fields = ["", "", "", "C_STRUCT", meta.extensionVersion, meta.cApiVersion, meta.platform, "4"].map(field);
  return Buffer.concat([sectionHeader, ...fields, Buffer.alloc(256)]);
}

export interface SourceFile {
  /** Relative to the source directory, with / separators. */
  readonly path: string;
  readonly content: Buffer;
}

/** Names the build: any change to a source, a header, the flags or the metadata gives another digest. */
export function sourceDigest(files: readonly SourceFile[], flags: readonly string[], meta: ExtensionMetadata): string {
  const hash = createHash("sha256");
  hash.update(JSON.stringify({ flags, meta }));
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    hash.update(`\0${f.path}\0${f.content.length}\0`);
    hash.update(f.content);
  }
  return hash.digest("hex").slice(0, 16);
}

function readSources(): SourceFile[] {
  return ["src", "duckdb_capi"].flatMap((dir) =>
    readdirSync(join(hmacSourceDir, dir))
      .filter((name) => name.endsWith(".c") || name.endsWith(".h"))
      .map((name) => ({ path: `${dir}/${name}`, content: readFileSync(join(hmacSourceDir, dir, name)) })),
  );
}

function metadata(): ExtensionMetadata | undefined {
  const platform = duckdbPlatform(process.platform, process.arch);
  return platform === undefined ? undefined : { platform, cApiVersion: hmacCApiVersion, extensionVersion };
}

/** Where the build of the current sources is (or will be), or undefined on a platform it is not built for. */
export function duckdbHmacExtensionPath(): string | undefined {
  const meta = metadata();
  if (meta === undefined) return undefined;
  const digest = sourceDigest(readSources(), hmacCompilerFlags, meta);
  return join(cacheDir, "duckdb-hmac", digest, `${extensionName}.duckdb_extension`);
}

/** Compiles (once per source digest) and returns the absolute path of hmac.duckdb_extension. */
export async function ensureDuckdbHmacExtension(opts: { log?: (msg: string) => void } = {}): Promise<string> {
  const meta = metadata();
  const target = duckdbHmacExtensionPath();
  if (meta === undefined || target === undefined)
    throw new StackError(
      "PROVISION_FAILED",
      `the hmac DuckDB extension is built on Linux x64/arm64 only, not ${process.platform}/${process.arch}`,
    );
  if (existsSync(target)) return target;
  const dir = join(target, "..");
  const tmp = join(dir, `.build-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    opts.log?.(`duckdb: compiling the hmac extension (${hmacSourceDir})`);
    const library = join(tmp, `${extensionName}.so`);
    const sources = readSources()
      .filter((f) => f.path.startsWith("src/") && f.path.endsWith(".c"))
      .map((f) => join(hmacSourceDir, f.path));
    await run("gcc", [...hmacCompilerFlags, "-I", join(hmacSourceDir, "duckdb_capi"), ...sources, "-o", library]);
    const built = join(tmp, `${extensionName}.duckdb_extension`);
    writeFileSync(built, Buffer.concat([readFileSync(library), extensionFooter(meta)]));
    // Atomic: a reader sees the whole file or none, and a concurrent build of the same digest writes the same bytes.
    renameSync(built, target);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return target;
}
