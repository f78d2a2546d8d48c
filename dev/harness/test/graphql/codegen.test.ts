import { readFile } from "node:fs/promises";
import { describe, expect, it } from "@jest/globals";
import { generatedFile, generateOperationTypes } from "../../graphql/codegen.js";

describe("graphql/operations.generated.ts", () => {
  it("is current with request-api's schema and operations.ts (run `npm run gen:graphql` if this fails)", async () => {
    expect(await readFile(generatedFile, "utf8")).toBe(await generateOperationTypes());
  });

  it("refuses an operation the schema cannot answer", async () => {
    await expect(
      generateOperationTypes([
        "mutation Typo($requestId: String!) { requestStatus(requestId: $requestId) { stauts } }",
      ]),
    ).rejects.toThrow(/stauts/);
  });
});
