/**
 * `npm run test:node-versions [-- <jest args>]`: the unit tests on every other supported Node.js line
 * (dev/stack/node-binaries.ts), one after the other; the machine's own Node runs the whole suite (`npm test`).
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { repoRoot } from "../stack/paths.js";
import { ensureNodeBinary, testedNodeReleases } from "../stack/node-binaries.js";

const say = (message: string): void => void process.stderr.write(`[node-versions] ${message}\n`);
const jestArgs = process.argv.slice(2);
const failed: string[] = [];
for (const release of testedNodeReleases) {
  const node = ensureNodeBinary(release, say);
  say(`unit tests on Node ${release.version}`);
  const run = spawnSync(
    node,
    [
      "--experimental-vm-modules",
      join(repoRoot, "node_modules/jest/bin/jest.js"),
      "--selectProjects",
      "unit",
      ...jestArgs,
    ],
    {
      cwd: repoRoot,
      stdio: "inherit",
      // Child processes the tests start with `node` from PATH run the same version.
      env: { ...process.env, PATH: `${dirname(node)}:${process.env["PATH"] ?? ""}` },
    },
  );
  if (run.status !== 0) failed.push(release.version);
}
say(failed.length === 0 ? "all passed" : `failed on Node ${failed.join(", ")}`);
process.exitCode = failed.length === 0 ? 0 : 1;
