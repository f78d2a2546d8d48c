import { spawn } from "node:child_process";

export interface EntryPointRun {
  readonly code: number;
  /** What it printed on stdout, when asked to capture it. */
  readonly stdout: string;
}

/** Runs a TypeScript entry point of the repository in its own process, as a deployment runs it. */
export type RunEntryPoint = (
  entryPoint: string,
  args: readonly string[],
  options: { readonly env: Readonly<Record<string, string | undefined>>; readonly captureStdout: boolean },
) => Promise<EntryPointRun>;

/** The real runner: node with tsx (resolved from this package, so any working directory works); stderr is ours. */
export const runEntryPoint: RunEntryPoint = (entryPoint, args, options) =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--conditions=source", "--import", import.meta.resolve("tsx"), entryPoint, ...args],
      {
        env: options.env,
        stdio: ["ignore", options.captureStdout ? "pipe" : "inherit", "inherit"],
      },
    );
    let stdout = "";
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? 1, stdout }));
  });
