import { describe, expect, it } from "@jest/globals";
import { detectPackageManager, installCommand } from "../package-manager.js";
import { formatPreflightReport, preflightReport, toolsNeeded, type ToolProbe } from "../preflight.js";

const osRelease = (id: string, like = ""): string =>
  `PRETTY_NAME="x"\nID=${id}\n${like === "" ? "" : `ID_LIKE="${like}"\n`}`;
const nothingOnPath = (): boolean => false;

describe("detectPackageManager", () => {
  it("reads the family from /etc/os-release", () => {
    const has = (p: string): boolean => p === "dnf";
    expect(detectPackageManager({ osRelease: osRelease("debian"), platform: "linux", has: nothingOnPath })).toBe("apt");
    expect(
      detectPackageManager({ osRelease: osRelease("pop", "ubuntu debian"), platform: "linux", has: nothingOnPath }),
    ).toBe("apt");
    expect(
      detectPackageManager({ osRelease: osRelease('"rocky"', "rhel centos fedora"), platform: "linux", has }),
    ).toBe("dnf");
    expect(detectPackageManager({ osRelease: osRelease("alpine"), platform: "linux", has: nothingOnPath })).toBe("apk");
    expect(detectPackageManager({ osRelease: osRelease("arch"), platform: "linux", has: nothingOnPath })).toBe(
      "pacman",
    );
    expect(
      detectPackageManager({
        osRelease: osRelease('"opensuse-leap"', "suse opensuse"),
        platform: "linux",
        has: nothingOnPath,
      }),
    ).toBe("zypper");
  });

  it("falls back to yum on a RHEL without dnf, and to brew on macOS", () => {
    const yumOnly = (p: string): boolean => p === "yum";
    expect(
      detectPackageManager({ osRelease: osRelease("centos", "rhel fedora"), platform: "linux", has: yumOnly }),
    ).toBe("yum");
    expect(detectPackageManager({ platform: "darwin", has: nothingOnPath })).toBe("brew");
  });

  it("without os-release, takes the first manager on PATH; none: undefined", () => {
    expect(detectPackageManager({ platform: "linux", has: (p) => p === "pacman" })).toBe("pacman");
    expect(
      detectPackageManager({ osRelease: osRelease("gentoo"), platform: "linux", has: nothingOnPath }),
    ).toBeUndefined();
  });
});

describe("installCommand", () => {
  it("uses each manager's syntax, with sudo unless root (never for brew)", () => {
    expect(installCommand("apt", ["maven", "python3-venv"], false)).toBe("sudo apt-get install -y maven python3-venv");
    expect(installCommand("apt", ["maven"], true)).toBe("apt-get install -y maven");
    expect(installCommand("dnf", ["maven"], false)).toBe("sudo dnf install -y maven");
    expect(installCommand("apk", ["maven"], true)).toBe("apk add maven");
    expect(installCommand("pacman", ["maven"], false)).toBe("sudo pacman -S --needed maven");
    expect(installCommand("zypper", ["maven"], false)).toBe("sudo zypper install -y maven");
    expect(installCommand("brew", ["maven"], false)).toBe("brew install maven");
  });
});

describe("preflightReport", () => {
  const probes: ToolProbe[] = [
    { tool: "java", ok: false, problem: "java not found on PATH" },
    { tool: "maven", ok: false, problem: "mvn not found on PATH" },
    { tool: "python", ok: true },
    {
      tool: "postgres",
      ok: false,
      problem: "too old: 13.16 in /usr/lib/postgresql/13/bin (the local stack needs 14 or newer)",
    },
  ];

  it("lists every missing tool with its own install command and one for all of them", () => {
    const report = preflightReport(probes, "apt", { root: false });
    expect(report.missing.map((m) => m.tool)).toEqual(["java", "maven", "postgres"]);
    expect(report.missing.map((m) => m.install)).toEqual([
      "sudo apt-get install -y openjdk-17-jre-headless",
      "sudo apt-get install -y maven",
      "sudo apt-get install -y postgresql",
    ]);
    expect(report.installAll).toBe("sudo apt-get install -y openjdk-17-jre-headless maven postgresql");
    const text = formatPreflightReport(report);
    expect(text.split("\n")[0]).toBe("missing 3 tools the local stack needs:");
    expect(text).toContain("Java 17+ (runs the Kafka broker): java not found on PATH");
    expect(text).toContain("Maven (fetches the Kafka jars): mvn not found on PATH");
    expect(text).toContain("PostgreSQL 14+ server (initdb, postgres, pg_ctl): too old: 13.16");
    expect(text).not.toContain("Python");
  });

  it("names each manager's packages", () => {
    const dnf = preflightReport(probes, "dnf", { root: true });
    expect(dnf.installAll).toBe("dnf install -y java-17-openjdk-headless maven postgresql-server");
    const brew = preflightReport(probes, "brew", { root: false });
    expect(brew.installAll).toBe("brew install openjdk@17 maven postgresql@17");
    const apk = preflightReport([{ tool: "python", ok: false, problem: "python3 not found" }], "apk", { root: true });
    expect(apk.missing[0]?.install).toBe("apk add python3 py3-pip");
    expect(apk.installAll).toBeUndefined();
  });

  it("says so when no package manager is known, and reports nothing missing as such", () => {
    expect(formatPreflightReport(preflightReport(probes, undefined, { root: false }))).toContain(
      "no known package manager found",
    );
    expect(preflightReport([{ tool: "java", ok: true }], "apt", { root: false }).missing).toEqual([]);
  });
});

describe("toolsNeeded", () => {
  it("needs Java for a Kafka to start, Maven only without the jars, Python only to build the venv or the extension", () => {
    expect(
      toolsNeeded({ kafka: { libsReady: false }, postgres: true, moto: { venvReady: false }, duckdbExtension: true }),
    ).toEqual(["java", "maven", "postgres", "python"]);
    expect(toolsNeeded({ kafka: { libsReady: true }, moto: { venvReady: true }, duckdbExtension: false })).toEqual([
      "java",
    ]);
    // Everything already running (reused): nothing is invoked, nothing is needed.
    expect(toolsNeeded({})).toEqual([]);
  });

  it("needs gcc only when the hmac extension is to be compiled", () => {
    expect(toolsNeeded({ hmacExtension: true })).toEqual(["gcc"]);
    expect(toolsNeeded({ hmacExtension: false })).toEqual([]);
    expect(
      formatPreflightReport(
        preflightReport([{ tool: "gcc", ok: false, problem: "gcc not found on PATH" }], "apt", { root: true }),
      ),
    ).toContain("apt-get install -y gcc libc6-dev");
  });
});
