import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "@jest/globals";
import type avsc from "avsc";
import { checkSchemaCompatibility } from "../src/index.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const schemaDir = "schemas/avro";

function git(...args: string[]): string {
  try {
    return execFileSync("git", args, { cwd: repoRoot, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (cause) {
    throw new Error(
      `schema compatibility needs git and the repository's full history (git ${args.join(" ")} failed). ` +
        "Run the tests in a git clone with history (CI: fetch-depth 0).",
      { cause },
    );
  }
}

function assertFullHistory(): void {
  if (git("rev-parse", "--is-shallow-repository").trim() === "true") {
    throw new Error("schema compatibility needs full git history, but this clone is shallow: git fetch --unshallow");
  }
}

/** Every committed version of a schema file, newest first (a version that only deletes the file is skipped). */
function committedVersions(file: string): { sha: string; schema: avsc.Schema }[] {
  const shas = git("log", "--format=%H", "--", file).split("\n").filter(Boolean);
  return shas.flatMap((sha) => {
    let text: string;
    try {
      text = execFileSync("git", ["show", `${sha}:${file}`], { cwd: repoRoot, encoding: "utf8", stdio: "pipe" });
    } catch {
      return [];
    }
    return [{ sha, schema: JSON.parse(text) as avsc.Schema }];
  });
}

const files = readdirSync(path.join(repoRoot, schemaDir))
  .filter((name) => name.endsWith(".avsc"))
  .sort();

describe("schemas/avro compatibility with git history", () => {
  it("has git and full history", () => {
    assertFullHistory();
  });

  it.each(files)("%s reads and is read by every committed version", (name) => {
    assertFullHistory();
    const file = `${schemaDir}/${name}`;
    const current = JSON.parse(readFileSync(path.join(repoRoot, file), "utf8")) as avsc.Schema;
    const failures = committedVersions(file).flatMap(({ sha, schema }) =>
      checkSchemaCompatibility(schema, current).problems.map((problem) => `${sha.slice(0, 10)}: ${problem}`),
    );
    expect(failures).toEqual([]);
  });
});
