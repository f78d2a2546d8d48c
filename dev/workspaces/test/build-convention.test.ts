import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "@jest/globals";
import ts from "typescript";
import { listWorkspaces } from "../workspaces.js";
import { repoRoot } from "../../stack/paths.js";

const workspaces = listWorkspaces();
const workspaceDirs = new Map(workspaces.map((w) => [w.manifest.name, w.dir]));

interface Tsconfig {
  extends?: string;
  include?: string[];
  compilerOptions?: object;
  references?: { path: string }[];
}

/** A tsconfig file as tsc reads it (comments allowed). */
function readTsconfig(file: string): Tsconfig {
  const read = ts.readConfigFile(file, (path) => ts.sys.readFile(path));
  if (read.error !== undefined) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, "\n"));
  return read.config as Tsconfig;
}

describe("the build convention (docs/development.md, Build)", () => {
  it("lists every workspace in the root tsconfig.build.json (npm run build)", () => {
    const root = readTsconfig(join(repoRoot, "tsconfig.build.json"));
    expect((root.references ?? []).map((r) => r.path).sort()).toEqual(
      workspaces.map((w) => `${w.dir}/tsconfig.build.json`).sort(),
    );
  });

  describe.each(workspaces.map((w) => [w.dir, w] as const))("%s", (dir, workspace) => {
    const file = join(repoRoot, dir, "tsconfig.build.json");

    it("compiles src/ to dist/ with the shared build options", () => {
      const config = readTsconfig(file);
      expect(config.extends).toBe(relative(join(repoRoot, dir), join(repoRoot, "tsconfig.build.base.json")));
      expect(config.include).toEqual(["src"]);
      expect(config.compilerOptions).toMatchObject({ rootDir: "src", outDir: "dist" });
    });

    it("references exactly the workspaces it depends on (tsc -b builds them first)", () => {
      const referenced = (readTsconfig(file).references ?? []).map((r) => join(dir, r.path)).sort();
      const dependedOn = Object.keys(workspace.manifest.dependencies ?? {})
        .flatMap((name) => {
          const depDir = workspaceDirs.get(name);
          return depDir === undefined ? [] : [join(depDir, "tsconfig.build.json")];
        })
        .sort();
      expect(referenced).toEqual(dependedOn);
    });

    it("exports its sources under the source condition and its compiled JavaScript by default", () => {
      const exported = workspace.manifest.exports;
      if (exported === undefined) return; // a service: run, never imported
      expect(exported).toEqual({ ".": { source: "./src/index.ts", default: "./dist/index.js" } });
      expect(existsSync(join(repoRoot, dir, "src", "index.ts"))).toBe(true);
    });

    it("starts from dist/ when it is a service with a main.ts", () => {
      if (!dir.startsWith("services/") || !existsSync(join(repoRoot, dir, "src", "main.ts"))) return;
      expect(workspace.manifest.scripts?.["start"]).toBe("node dist/main.js");
    });
  });

  it("ignores dist/ in git and in the Docker build context", () => {
    expect(readFileSync(join(repoRoot, ".gitignore"), "utf8")).toMatch(/^dist\/$/m);
    expect(readFileSync(join(repoRoot, "infra/docker/Dockerfile.dockerignore"), "utf8")).toMatch(/^\*\*\/dist$/m);
  });
});
