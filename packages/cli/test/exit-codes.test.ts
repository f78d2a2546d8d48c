import { describe, expect, it } from "@jest/globals";
import { ApiError, ApiUnreachableError, BadArgumentsError, CliError } from "../src/errors.js";
import { exitCodeOfError, exitCodeOfStatus, exitCodes } from "../src/exit-codes.js";

describe("exit codes", () => {
  it("are 0 for a completed or running export and 1 for one that finished otherwise", () => {
    expect(exitCodeOfStatus("Completed")).toBe(0);
    expect(exitCodeOfStatus("In Progress")).toBe(0);
    for (const status of ["Failed", "Partially Completed", "Cancelled"]) expect(exitCodeOfStatus(status)).toBe(1);
  });

  it("map each error to its documented code", () => {
    expect(exitCodeOfError(new BadArgumentsError("x"))).toBe(exitCodes.badArguments);
    expect(exitCodeOfError(new ApiError("BAD_USER_INPUT", "x"))).toBe(exitCodes.badArguments);
    expect(exitCodeOfError(new ApiError("GRAPHQL_VALIDATION_FAILED", "x"))).toBe(exitCodes.badArguments);
    expect(exitCodeOfError(new ApiError("NOT_FOUND", "x"))).toBe(exitCodes.failed);
    expect(exitCodeOfError(new ApiError("UNAUTHENTICATED", "x"))).toBe(exitCodes.failed);
    expect(exitCodeOfError(new ApiUnreachableError("http://h/graphql", "ECONNREFUSED"))).toBe(exitCodes.unreachable);
    expect(exitCodeOfError(new CliError("BACKEND_UNREACHABLE", "x"))).toBe(exitCodes.unreachable);
    expect(exitCodeOfError(new CliError("DOWNLOAD_MISMATCH", "x"))).toBe(exitCodes.failed);
    expect(exitCodeOfError(new Error("anything else"))).toBe(exitCodes.failed);
  });
});
