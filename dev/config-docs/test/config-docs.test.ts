import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "@jest/globals";
import { z } from "zod";
import { configDocsFile, currentConfigDocs } from "../generate.js";
import { schemaFields } from "../schema-fields.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

describe("docs/configuration.md", () => {
  it("is what the services' configuration schemas say now (npm run gen:config-docs rewrites it)", async () => {
    expect(readFileSync(configDocsFile(root), "utf8")).toBe(await currentConfigDocs(root));
  });

  it("documents every setting", async () => {
    const undocumented = (await currentConfigDocs(root))
      .split("\n")
      .filter((line) => /^\| `[A-Z0-9_]+` .*\|\s+\|$/.test(line));
    expect(undocumented).toEqual([]);
  });
});

describe("schemaFields", () => {
  it("tells required settings, defaults (through coercion and transforms) and types apart", () => {
    const schema = z
      .object({
        A: z.string(),
        B: z.coerce.number().int().positive().default(5),
        C: z
          .enum(["true", "false"])
          .default("false")
          .transform((v) => v === "true"),
        D: z.url().optional(),
        E: z.enum(["postgres", "redshift"]).default("postgres"),
      })
      .superRefine(() => undefined);
    expect(schemaFields(schema)).toEqual([
      { name: "A", required: true, type: "string" },
      { name: "B", required: false, default: 5, type: "integer" },
      { name: "C", required: false, default: "false", type: "boolean" },
      { name: "D", required: false, type: "URL" },
      { name: "E", required: false, default: "postgres", type: "one of postgres, redshift" },
    ]);
  });
});
