import { SharingError } from "../../src/domain/errors.js";

/** The SharingError `run` throws (any other error is rethrown; none thrown fails the test). */
export function refusal(run: () => unknown): SharingError {
  try {
    run();
  } catch (error) {
    if (error instanceof SharingError) return error;
    throw error;
  }
  throw new Error("no error thrown");
}
