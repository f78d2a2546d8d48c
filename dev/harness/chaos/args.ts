/** `npm run chaos` arguments, parsed and checked (pure: the command reads process.argv and prints the errors). */

export const chaosUsage = `usage: npm run chaos -- [--runs N] [--concurrency C] [--seed S] [--faults all|process]
                       [--faults-per-run K] [--only-run I] [--settle-timeout SECONDS] [--json]

  --runs N             runs of the campaign, one after the other (default 1)
  --concurrency C      exports each run submits, half scheduled, half on demand (default 4)
  --seed S             seed of the plan, an integer in [0, 2^32) (default: a random one, printed)
  --faults all         kill -9 and SIGSTOP service processes, restart Kafka and PostgreSQL (default)
  --faults process     only kill -9 and SIGSTOP: the shared stack is left alone
  --faults-per-run K   faults injected in each run (default 3)
  --only-run I         carry out only run I of the campaign (repeatable): the same plan as in the full campaign
  --settle-timeout S   how long a run may take to finish its exports after its last fault (default 300)
  --json               print the campaign's result as JSON on stdout (progress goes to stderr)

Exit code: 0 no violation, 1 a violation (or a run that could not be carried out), 2 bad arguments.`;

export interface ChaosArgs {
  readonly runs: number;
  readonly concurrency: number;
  /** undefined: draw one. */
  readonly seed: number | undefined;
  readonly faults: "all" | "process";
  readonly faultsPerRun: number;
  /** Empty: every run. */
  readonly onlyRuns: readonly number[];
  readonly settleTimeoutMs: number;
  readonly json: boolean;
  readonly help: boolean;
}

export type ParsedArgs =
  { readonly ok: true; readonly args: ChaosArgs } | { readonly ok: false; readonly errors: string[] };

export function parseChaosArgs(argv: readonly string[]): ParsedArgs {
  const errors: string[] = [];
  let runs = 1;
  let concurrency = 4;
  let seed: number | undefined;
  let faults: ChaosArgs["faults"] = "all";
  let faultsPerRun = 3;
  const onlyRuns: number[] = [];
  let settleTimeoutMs = 300_000;
  let json = false;
  let help = false;
  const integer = (flag: string, raw: string | undefined, min: number, max: number): number | undefined => {
    const value = Number(raw);
    if (raw === undefined || raw.trim() === "" || !Number.isInteger(value) || value < min || value > max) {
      errors.push(
        `${flag} needs an integer in [${min}, ${max}], got ${raw === undefined ? "nothing" : JSON.stringify(raw)}`,
      );
      return undefined;
    }
    return value;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case "--runs":
        runs = integer(flag, value(), 1, 1000) ?? runs;
        break;
      case "--concurrency":
        concurrency = integer(flag, value(), 1, 200) ?? concurrency;
        break;
      case "--seed":
        seed = integer(flag, value(), 0, 0xffffffff);
        break;
      case "--faults": {
        const kind = value();
        if (kind === "all" || kind === "process") faults = kind;
        else errors.push(`--faults is all or process, got ${JSON.stringify(kind ?? "nothing")}`);
        break;
      }
      case "--faults-per-run":
        faultsPerRun = integer(flag, value(), 0, 20) ?? faultsPerRun;
        break;
      case "--only-run": {
        const run = integer(flag, value(), 1, 1000);
        if (run !== undefined) onlyRuns.push(run);
        break;
      }
      case "--settle-timeout":
        settleTimeoutMs = (integer(flag, value(), 10, 3600) ?? settleTimeoutMs / 1000) * 1000;
        break;
      case "--json":
        json = true;
        break;
      case "--help":
      case "-h":
        help = true;
        break;
      default:
        errors.push(`unknown argument ${JSON.stringify(arg)}`);
    }
  }
  for (const run of onlyRuns) if (run > runs) errors.push(`--only-run ${run} is beyond --runs ${runs}`);
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    args: { runs, concurrency, seed, faults, faultsPerRun, onlyRuns, settleTimeoutMs, json, help },
  };
}
