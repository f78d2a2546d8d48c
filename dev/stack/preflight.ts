/**
 * The preflight check: before provisioning, every tool the stack is about to invoke is probed, and all the missing
 * ones are reported together, each with the install command of the machine's package manager. Pure: probe results
 * in, report out (the probes themselves are in preflight-probes.ts).
 */
import { installCommand, type PackageManager } from "./package-manager.js";

export type ToolId = "java" | "maven" | "python" | "postgres" | "chromium" | "gcc";

export interface ToolSpec {
  /** What it is and what the stack uses it for. */
  readonly what: string;
  /** The package that provides it, per package manager. */
  readonly packages: Readonly<Record<PackageManager, string>>;
}

export const tools: Readonly<Record<ToolId, ToolSpec>> = {
  java: {
    what: "Java 17+ (runs the Kafka broker)",
    packages: {
      apt: "openjdk-17-jre-headless",
      dnf: "java-17-openjdk-headless",
      yum: "java-17-openjdk-headless",
      apk: "openjdk17-jre-headless",
      pacman: "jre17-openjdk-headless",
      zypper: "java-17-openjdk-headless",
      brew: "openjdk@17",
    },
  },
  maven: {
    what: "Maven (fetches the Kafka jars)",
    packages: {
      apt: "maven",
      dnf: "maven",
      yum: "maven",
      apk: "maven",
      pacman: "maven",
      zypper: "maven",
      brew: "maven",
    },
  },
  python: {
    what: "Python 3 with venv and ensurepip (moto, the DuckDB extension download)",
    packages: {
      apt: "python3-venv",
      dnf: "python3",
      yum: "python3",
      apk: "python3 py3-pip",
      pacman: "python",
      zypper: "python3",
      brew: "python@3",
    },
  },
  postgres: {
    what: "PostgreSQL 14+ server (initdb, postgres, pg_ctl)",
    packages: {
      apt: "postgresql",
      dnf: "postgresql-server",
      yum: "postgresql-server",
      apk: "postgresql",
      pacman: "postgresql",
      zypper: "postgresql-server",
      brew: "postgresql@17",
    },
  },
  gcc: {
    what: "gcc with the C library headers (compiles the hmac DuckDB extension, packages/warehouse/native/hmac)",
    packages: {
      apt: "gcc libc6-dev",
      dnf: "gcc glibc-devel",
      yum: "gcc glibc-devel",
      apk: "gcc musl-dev",
      pacman: "gcc",
      zypper: "gcc glibc-devel",
      brew: "gcc",
    },
  },
  chromium: {
    what: "Chromium (the status page's browser test)",
    packages: {
      apt: "chromium",
      dnf: "chromium",
      yum: "chromium",
      apk: "chromium",
      pacman: "chromium",
      zypper: "chromium",
      brew: "--cask chromium",
    },
  },
};

/** One tool as probed: ok, or why not ("java not found on PATH", "java 11 is older than 17"). */
export interface ToolProbe {
  readonly tool: ToolId;
  readonly ok: boolean;
  readonly problem?: string | undefined;
}

export interface MissingTool {
  readonly tool: ToolId;
  readonly what: string;
  readonly problem: string;
  /** undefined when no package manager was detected. */
  readonly install?: string | undefined;
}

export interface PreflightReport {
  readonly missing: readonly MissingTool[];
  /** One command installing everything missing, when a package manager was detected. */
  readonly installAll?: string | undefined;
  readonly packageManager?: PackageManager | undefined;
}

export function preflightReport(
  probes: readonly ToolProbe[],
  manager: PackageManager | undefined,
  opts: { root: boolean },
): PreflightReport {
  const failed = probes.filter((p) => !p.ok);
  const install = (tool: ToolId): string | undefined =>
    manager === undefined ? undefined : installCommand(manager, [tools[tool].packages[manager]], opts.root);
  const missing = failed.map((p): MissingTool => ({
    tool: p.tool,
    what: tools[p.tool].what,
    problem: p.problem ?? "not found",
    install: install(p.tool),
  }));
  const installAll =
    manager === undefined || missing.length < 2
      ? undefined
      : installCommand(
          manager,
          missing.map((m) => tools[m.tool].packages[manager]),
          opts.root,
        );
  return { missing, installAll, packageManager: manager };
}

/** The report as the one message a person reads: every missing tool, how to install each, and all at once. */
export function formatPreflightReport(report: PreflightReport): string {
  if (report.missing.length === 0) return "all tools present";
  const lines = [
    `missing ${report.missing.length === 1 ? "a tool" : `${report.missing.length} tools`} the local stack needs:`,
  ];
  for (const m of report.missing) {
    lines.push(`  - ${m.what}: ${m.problem}`);
    if (m.install !== undefined) lines.push(`      install: ${m.install}`);
  }
  if (report.installAll !== undefined) lines.push(`install all at once: ${report.installAll}`);
  if (report.packageManager === undefined)
    lines.push("no known package manager found (apt, dnf, yum, apk, pacman, zypper, brew): install them by hand");
  return lines.join("\n");
}

/** What provisioning is about to do, as far as it decides which tools are needed. */
export interface ProvisioningPlan {
  /** Kafka is to be started (managed here and not running); libsReady: its jars are already downloaded. */
  readonly kafka?: { readonly libsReady: boolean } | undefined;
  /** PostgreSQL is to be started. */
  readonly postgres?: boolean | undefined;
  /** moto is to be started; venvReady: its venv is already built. */
  readonly moto?: { readonly venvReady: boolean } | undefined;
  /** The DuckDB postgres extension is to be downloaded (pip). */
  readonly duckdbExtension?: boolean | undefined;
  /** The hmac DuckDB extension is to be compiled (its sources changed or it was never built). */
  readonly hmacExtension?: boolean | undefined;
}

/** The tools a plan invokes: nothing for components reused as they run, Maven only when the jars are missing. */
export function toolsNeeded(plan: ProvisioningPlan): ToolId[] {
  const needed: ToolId[] = [];
  if (plan.kafka !== undefined) needed.push("java", ...(plan.kafka.libsReady ? [] : (["maven"] as const)));
  if (plan.postgres === true) needed.push("postgres");
  if ((plan.moto !== undefined && !plan.moto.venvReady) || plan.duckdbExtension === true) needed.push("python");
  if (plan.hmacExtension === true) needed.push("gcc");
  return needed;
}
