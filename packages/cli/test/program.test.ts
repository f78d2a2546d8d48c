import { describe, expect, it } from "@jest/globals";
import type { Api } from "../src/api/graphql-client.js";
import type { RequestStatus } from "../src/api/operations.js";
import { loadCliEnv } from "../src/config.js";
import { ApiUnreachableError } from "../src/errors.js";
import { runCli, type ProgramDeps } from "../src/program.js";

interface Call {
  readonly url: string;
  readonly token: string | undefined;
  readonly document: string;
  readonly variables: Record<string, unknown>;
}

/** A CLI whose API answers each call with the next of `answers` (a function of the call, or an error to throw). */
function cli(answers: ((call: Call) => unknown)[] = [], env: Record<string, string> = {}) {
  const calls: Call[] = [];
  const stdout: string[] = [];
  const stderr: string[] = [];
  const makeApi = (url: string, token: string | undefined): Api => ({
    url,
    call: <T>(document: string, variables: Record<string, unknown> = {}) => {
      const call = { url, token, document, variables };
      calls.push(call);
      const answer = answers.shift();
      if (answer === undefined) return Promise.reject(new Error("unexpected call"));
      return new Promise<T>((resolve) => resolve(answer(call) as T));
    },
  });
  const deps: ProgramDeps = {
    env: loadCliEnv(env),
    output: { out: (line) => stdout.push(line), err: (line) => stderr.push(line), interactive: false },
    makeApi,
    readTokenFile: () => "file-token\n",
    runEntryPoint: () => Promise.reject(new Error("no entry points here")),
    now: () => 1_800_000_000_000,
    sleep: () => Promise.resolve(),
  };
  return { run: (...argv: string[]) => runCli(argv, deps), calls, stdout, stderr };
}

const status = (state: string, progress: number): RequestStatus => ({
  requestId: "r-1",
  status: state,
  progress,
  mode: "ON_DEMAND",
  exportDate: null,
  windowStart: 1712322000,
  windowEnd: 1712408400,
  requestedAt: null,
  completedAt: null,
  linksExpireAt: null,
  tables: [],
  skippedTables: [],
});

describe("the data-exporter program", () => {
  it("requests a window given as ISO-8601 or epoch seconds and prints the id alone", async () => {
    const { run, calls, stdout } = cli([() => ({ requestData: "r-1" })]);
    expect(await run("request", "--from", "2024-04-06T00:00:00+11:00", "--to", "1712408400", "--force")).toBe(0);
    expect(calls[0]?.variables).toEqual({ startTime: 1712322000, endTime: 1712408400, force: true });
    expect(stdout).toEqual(["r-1"]);
  });

  it("chooses the URL and token: flags, then the environment, then the defaults and the token file", async () => {
    const fromFlags = cli([() => ({ requestData: "r" })], { DATA_EXPORTER_TOKEN: "env-token" });
    await fromFlags.run("request", "--from", "1", "--to", "2", "--url", "http://gw:9/graphql", "--token", "flag");
    expect(fromFlags.calls[0]).toMatchObject({ url: "http://gw:9/graphql", token: "flag" });
    const fromEnv = cli([() => ({ requestData: "r" })], {
      DATA_EXPORTER_URL: "http://env:8/graphql",
      DATA_EXPORTER_TOKEN: "env-token",
    });
    await fromEnv.run("request", "--from", "1", "--to", "2");
    expect(fromEnv.calls[0]).toMatchObject({ url: "http://env:8/graphql", token: "env-token" });
    const defaults = cli([() => ({ requestData: "r" })]);
    await defaults.run("request", "--from", "1", "--to", "2");
    expect(defaults.calls[0]).toMatchObject({ url: "http://127.0.0.1:4000/graphql", token: "file-token" });
  });

  it.each([
    [["request", "--from", "1"]],
    [["request", "--from", "soon", "--to", "2"]],
    [["request", "--from", "5", "--to", "2"]],
    [["status"]],
    [["status", "r-1", "--interval", "0"]],
    [["list", "--status", "finished"]],
    [["list", "--limit", "-3"]],
    [["download", "r-1", "--url", "not a url"]],
    [["trigger", "--date", "2024-04-07", "--from", "2024-04-06"]],
    [["dlq", "show", "twelve"]],
    [["dlq", "redrive"]],
    [["frobnicate"]],
    [[]],
  ])("exits 2 without calling the API for bad arguments: %j", async (argv) => {
    const { run, calls } = cli();
    expect(await run(...argv)).toBe(2);
    expect(calls).toEqual([]);
  });

  it("exits 0 for --help everywhere", async () => {
    for (const argv of [["--help"], ["status", "--help"], ["dlq", "redrive", "--help"], ["help", "list"]]) {
      const { run, stdout } = cli();
      expect(await run(...argv)).toBe(0);
      expect(stdout.join("\n")).toMatch(/Usage: data-exporter/);
    }
  });

  it("watches an export until it finished: 0 when it completed, 1 otherwise", async () => {
    const completed = cli([
      () => ({ requestStatus: status("In Progress", 0) }),
      () => ({ requestStatus: status("Completed", 100) }),
    ]);
    expect(await completed.run("status", "r-1", "--watch")).toBe(0);
    expect(completed.stdout.at(-1)).toMatch(/^r-1 {2}Completed {2}\[#{20}\] 100%/);
    const failed = cli([() => ({ requestStatus: status("Partially Completed", 100) })]);
    expect(await failed.run("status", "r-1", "--watch", "--json")).toBe(1);
    expect(JSON.parse(failed.stdout.join(""))).toMatchObject({ requestId: "r-1", status: "Partially Completed" });
  });

  it("exits 1 for an export nobody requested", async () => {
    const { run, stderr } = cli([() => ({ requestStatus: status("Request has not been requested", 0) })]);
    expect(await run("status", "r-1")).toBe(1);
    expect(stderr.join("\n")).toMatch(/no export r-1/);
  });

  it("exits 3 with a clear message when the API cannot be reached", async () => {
    const { run, stderr } = cli([
      () => {
        throw new ApiUnreachableError("http://127.0.0.1:4000/graphql", "ECONNREFUSED");
      },
    ]);
    expect(await run("list")).toBe(3);
    expect(stderr.join("\n")).toMatch(/cannot reach the data-exporter API at http:\/\/127\.0\.0\.1:4000\/graphql/);
  });

  it("lists exports page after page until the limit", async () => {
    const node = (id: string) => ({
      id,
      status: "Completed",
      progress: 100,
      mode: "ON_DEMAND",
      exportDate: null,
      windowStart: "a",
      windowEnd: "b",
      requestedAt: "c",
      requestedBy: "alice",
      completedAt: null,
      run: 0,
    });
    const page = (ids: string[], endCursor: string | null) => () => ({
      exportRequests: {
        edges: ids.map((id) => ({ node: node(id) })),
        pageInfo: { endCursor, hasNextPage: endCursor !== null },
      },
    });
    const { run, calls, stdout } = cli([page(["a", "b"], "c1"), page(["c"], null)]);
    expect(await run("list", "--status", "completed", "--since", "1h", "--json")).toBe(0);
    expect(calls.map((c) => c.variables["after"])).toEqual([null, "c1"]);
    expect(calls[0]?.variables["filter"]).toEqual({ status: ["Completed"], requestedFrom: "2027-01-15T07:00:00.000Z" });
    expect((JSON.parse(stdout.join("")) as { exports: { id: string }[] }).exports.map((e) => e.id)).toEqual([
      "a",
      "b",
      "c",
    ]);
  });
});
