import { describe, expect, it } from "@jest/globals";
import { StatementError } from "../../src/errors.js";
import { MAX_FILE_BYTES, parseUnload } from "../../src/unload/unload-parser.js";

const role = "arn:aws:iam::123456789012:role/unload";
const MB = 1024 * 1024;

function failure(sql: string): { code: string; message: string } {
  try {
    parseUnload(sql);
  } catch (error) {
    if (error instanceof StatementError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("parsed");
}

describe("parseUnload", () => {
  it("reads the query, the location and every emulated option, in any order and case", () => {
    const parsed = parseUnload(
      `unload ('select * from t where s = ''a'' and p = ''it''''s'' and q = ''\\\\\\\\''') to 's3://bucket/dir/t_' ` +
        `manifest verbose iam_role '${role}' FORMAT AS PARQUET parallel off maxfilesize as 5.5 mb ` +
        `extension 'pq' allowoverwrite region 'ap-southeast-2' rowgroupsize 64 mb;`,
    );
    expect(parsed).toEqual({
      // One level of quoting resolved: the inner literals are 'it''s' and '\\' (a backslash), as Redshift reads them.
      query: "select * from t where s = 'a' and p = 'it''s' and q = '\\\\'",
      to: "s3://bucket/dir/t_",
      bucket: "bucket",
      prefix: "dir/t_",
      iamRole: [role],
      manifest: "verbose",
      parallel: false,
      maxFileBytes: 5.5 * MB,
      rowGroupBytes: 64 * MB,
      extension: ".pq",
      allowOverwrite: true,
      cleanPath: false,
      region: "ap-southeast-2",
    });
  });

  it("defaults as Redshift does: PARALLEL ON, 6.2 GB files, .parquet, no manifest", () => {
    const parsed = parseUnload(`UNLOAD ('select 1') TO 's3://b' IAM_ROLE default PARQUET CLEANPATH`);
    expect(parsed).toMatchObject({
      prefix: "",
      iamRole: "default",
      manifest: "none",
      parallel: true,
      maxFileBytes: MAX_FILE_BYTES,
      extension: ".parquet",
      cleanPath: true,
    });
    expect(
      parseUnload(`unload ('select 1') to 's3://b/p' iam_role '${role},${role}2' parquet manifest maxfilesize 1 gb`),
    ).toMatchObject({
      iamRole: [role, `${role}2`],
      manifest: "manifest",
      maxFileBytes: 1024 * MB,
    });
  });

  it("reports syntax errors near the offending token, as Redshift does", () => {
    expect(failure(`unload 'select 1' to 's3://b/p' iam_role default parquet`)).toEqual({
      code: "SYNTAX",
      message: `ERROR: syntax error at or near "'select 1'"`,
    });
    expect(failure(`unload ('select 1') to 's3://b/p' iam_role default parquet bogus`).message).toBe(
      'ERROR: syntax error at or near "bogus"',
    );
    expect(failure(`unload ('select 1') to`).message).toBe("ERROR: syntax error at end of input");
    expect(failure(`unload ('select 1) to 's3://b/p'`).message).toMatch(/^ERROR: unterminated quoted string/);
  });

  it("refuses what Redshift refuses", () => {
    const base = `unload ('select 1') to 's3://b/p' iam_role default`;
    expect(failure(`unload ('select 1') to 's3://b/p' parquet`).code).toBe("INVALID_UNLOAD");
    expect(failure(`${base} parquet delimiter '|'`).message).toBe("ERROR: PARQUET format can't be used with DELIMITER");
    expect(failure(`${base} parquet gzip`).message).toBe("ERROR: PARQUET format can't be used with GZIP");
    expect(failure(`${base} parquet cleanpath allowoverwrite`).message).toBe(
      "ERROR: CLEANPATH can't be used with ALLOWOVERWRITE",
    );
    expect(failure(`${base} parquet maxfilesize 4 mb`).message).toBe(
      "ERROR: MAXFILESIZE must be between 5 MB and 6.2 GB",
    );
    expect(failure(`${base} parquet maxfilesize 7 gb`).code).toBe("INVALID_UNLOAD");
    expect(failure(`${base} parquet manifest manifest`).message).toMatch(/conflicting or redundant options/);
    expect(failure(`unload ('select * from t limit 3') to 's3://b/p' iam_role default parquet`).message).toMatch(
      /Limit clause is not supported/,
    );
    expect(failure(`unload ('select 1') to 'https://b/p' iam_role default parquet`).message).toMatch(
      /Invalid S3 location/,
    );
  });

  it("names what the emulator does not do", () => {
    const base = `unload ('select 1') to 's3://b/p'`;
    for (const sql of [
      `${base} iam_role default`,
      `${base} iam_role default csv`,
      `${base} iam_role default format as json`,
      `${base} iam_role default parquet partition by (a)`,
      `${base} iam_role default parquet encrypted`,
      `${base} access_key_id 'a' secret_access_key 'b' parquet`,
      `${base} credentials 'aws_iam_role=${role}' parquet`,
    ]) {
      expect(failure(sql)).toMatchObject({
        code: "NOT_EMULATED",
        message: expect.stringMatching(/not supported by the Redshift Data API emulator/),
      });
    }
  });
});
