/**
 * The data-exporter CLI's composition root: reads the environment once, wires the GraphQL client, the entry-point
 * runner and the terminal, and exits with the command's code (program.ts documents them).
 */
import { GraphQLClient } from "./api/graphql-client.js";
import { loadCliEnv } from "./config.js";
import { runEntryPoint } from "./entry-point-runner.js";
import { exitCodeOfError } from "./exit-codes.js";
import { streamOutput } from "./output.js";
import { runCli } from "./program.js";
import { readLocalToken } from "./repository.js";

const output = streamOutput(process.stdout, process.stderr);

async function main(): Promise<number> {
  let env;
  try {
    env = loadCliEnv(process.env);
  } catch (error) {
    output.err(`data-exporter: ${(error as Error).message}`);
    return exitCodeOfError(error);
  }
  return runCli(process.argv.slice(2), {
    env,
    output,
    makeApi: (url, token) => new GraphQLClient({ url, token, fetch, timeoutMs: 30_000 }),
    readTokenFile: readLocalToken,
    runEntryPoint,
    now: Date.now,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  });
}

const code = await main();
// Let stdout drain before exiting (a pipe is asynchronous).
process.stdout.write("", () => process.exit(code));
