import { describe, expect, it } from "@jest/globals";
import { duckdbPlatform, extensionFooter, sourceDigest, type SourceFile } from "../duckdb-hmac-extension.js";

const meta = { platform: "linux_amd64", cApiVersion: "v1.2.0", extensionVersion: "v1" };
const text = (b: Buffer): string => b.toString("ascii").replace(/\0+$/, "");

describe("extensionFooter", () => {
  it("is the custom-section header, eight 32-byte fields last-first, and 256 empty signature bytes", () => {
    const footer = extensionFooter(meta);
    const header = 22;
    expect(footer.length).toBe(header + 8 * 32 + 256);
    expect(footer.subarray(4, 20).toString("ascii")).toBe("duckdb_signature");
    // The custom section's LEB128 length covers everything after it: name length byte, name, its own 2 bytes, payload.
    expect((footer[1]! & 0x7f) + (footer[2]! << 7)).toBe(footer.length - 3);
    const fields = Array.from({ length: 8 }, (_, i) => text(footer.subarray(header + 32 * i, header + 32 * (i + 1))));
    expect(fields).toEqual(["", "", "", "C_STRUCT", "v1", "v1.2.0", "linux_amd64", "4"]);
    expect(footer.subarray(header + 8 * 32).every((b) => b === 0)).toBe(true);
  });

  it("refuses a field that does not fit 32 bytes", () => {
    expect(() => extensionFooter({ ...meta, platform: "x".repeat(33) })).toThrow(RangeError);
  });
});

describe("duckdbPlatform", () => {
  it("names Linux builds as DuckDB does and leaves other platforms unbuilt", () => {
    expect(duckdbPlatform("linux", "x64")).toBe("linux_amd64");
    expect(duckdbPlatform("linux", "arm64")).toBe("linux_arm64");
    expect(duckdbPlatform("darwin", "arm64")).toBeUndefined();
    expect(duckdbPlatform("linux", "ia32")).toBeUndefined();
  });
});

describe("sourceDigest", () => {
  const files: SourceFile[] = [
    { path: "src/a.c", content: Buffer.from("int a;") },
    { path: "src/b.h", content: Buffer.from("int b;") },
  ];
  const flags = ["-O3"];

  it("does not depend on the order the files were listed in", () => {
    expect(sourceDigest([...files].reverse(), flags, meta)).toBe(sourceDigest(files, flags, meta));
  });

  it("changes with any byte of a source, a file's name, the flags or the metadata", () => {
    const base = sourceDigest(files, flags, meta);
    const changed = [
      sourceDigest([files[0]!, { path: "src/b.h", content: Buffer.from("int c;") }], flags, meta),
      sourceDigest([files[0]!, { path: "src/c.h", content: files[1]!.content }], flags, meta),
      // Moving bytes across the file boundary is a different build too.
      sourceDigest(
        [
          { path: "src/a.c", content: Buffer.from("int a;int") },
          { path: "src/b.h", content: Buffer.from(" b;") },
        ],
        flags,
        meta,
      ),
      sourceDigest(files, ["-O2"], meta),
      sourceDigest(files, flags, { ...meta, cApiVersion: "v1.3.0" }),
    ];
    expect(new Set([base, ...changed]).size).toBe(changed.length + 1);
    expect(base).toMatch(/^[0-9a-f]{16}$/);
  });
});
