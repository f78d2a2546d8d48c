import { describe, expect, it } from "@jest/globals";
import { toObjectStoreError } from "../../src/index.js";

describe("toObjectStoreError", () => {
  const cases: [string, object, string, boolean][] = [
    ["missing bucket", { name: "NoSuchBucket", $metadata: { httpStatusCode: 404 } }, "NO_SUCH_BUCKET", false],
    ["missing key", { name: "NoSuchKey", $metadata: { httpStatusCode: 404 } }, "NO_SUCH_KEY", false],
    ["denied", { name: "AccessDenied", $metadata: { httpStatusCode: 403 } }, "ACCESS_DENIED", false],
    ["throttled", { name: "SlowDown", $metadata: { httpStatusCode: 503 } }, "THROTTLED", true],
    ["5xx", { name: "InternalError", $fault: "server", $metadata: { httpStatusCode: 500 } }, "UNAVAILABLE", true],
    ["network", { name: "Error", code: "ECONNREFUSED" }, "UNAVAILABLE", true],
    ["other 4xx", { name: "InvalidArgument", $metadata: { httpStatusCode: 400 } }, "REQUEST_FAILED", false],
  ];
  for (const [what, error, code, retryable] of cases) {
    it(`maps ${what}`, () => {
      const mapped = toObjectStoreError(
        Object.assign(new Error("sdk said X-Amz-Signature=abc"), error),
        "GetObject",
        "b",
        "k",
      );
      expect(mapped).toMatchObject({ code, retryable, errorKind: "OBJECT_STORE", key: "k" });
      expect(mapped.message).toMatch(/^GetObject s3:\/\/b\/k: /);
      expect(mapped.message).not.toContain("Signature");
    });
  }
});
