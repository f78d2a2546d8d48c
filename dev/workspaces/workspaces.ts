/** The npm workspaces of this repository (root package.json `workspaces`) and their manifests. */
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../stack/paths.js";

export interface Workspace {
  /** Folder relative to the repository root, e.g. `packages/bus`. */
  readonly dir: string;
  readonly manifest: WorkspaceManifest;
}

export interface WorkspaceManifest {
  readonly name: string;
  readonly exports?: Record<string, unknown>;
  readonly scripts?: Record<string, string>;
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
}

/** Every workspace, expanding the `dir/*` patterns of the root manifest. */
export function listWorkspaces(root: string = repoRoot): Workspace[] {
  const patterns = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { workspaces: string[] })
    .workspaces;
  const dirs = patterns.flatMap((pattern) =>
    pattern.endsWith("/*")
      ? readdirSync(join(root, pattern.slice(0, -2)), { withFileTypes: true })
          .filter(
            (entry) => entry.isDirectory() && existsSync(join(root, pattern.slice(0, -2), entry.name, "package.json")),
          )
          .map((entry) => `${pattern.slice(0, -2)}/${entry.name}`)
      : [pattern],
  );
  return dirs.sort().map((dir) => ({
    dir,
    manifest: JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8")) as WorkspaceManifest,
  }));
}
