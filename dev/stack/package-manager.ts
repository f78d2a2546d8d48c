/** Which package manager installs the stack's tools on this machine, and the command line that does it. Pure. */

export const packageManagers = ["apt", "dnf", "yum", "apk", "pacman", "zypper", "brew"] as const;
export type PackageManager = (typeof packageManagers)[number];

/** The program each manager is run as (also what tells it is installed). */
const programs: Record<PackageManager, string> = {
  apt: "apt-get",
  dnf: "dnf",
  yum: "yum",
  apk: "apk",
  pacman: "pacman",
  zypper: "zypper",
  brew: "brew",
};

/** os-release IDs (ID and ID_LIKE) of each family. */
const families: readonly { ids: readonly string[]; manager: PackageManager }[] = [
  { ids: ["debian", "ubuntu"], manager: "apt" },
  { ids: ["fedora", "rhel", "centos", "rocky", "almalinux", "amzn"], manager: "dnf" },
  { ids: ["alpine"], manager: "apk" },
  { ids: ["arch", "manjaro"], manager: "pacman" },
  { ids: ["suse", "opensuse", "sles", "opensuse-leap", "opensuse-tumbleweed"], manager: "zypper" },
];

export interface PackageManagerProbes {
  /** Contents of /etc/os-release, if any. */
  readonly osRelease?: string | undefined;
  /** process.platform. */
  readonly platform: string;
  /** Whether a program is on PATH. */
  has(program: string): boolean;
}

function osReleaseIds(text: string): string[] {
  const field = (name: string): string =>
    new RegExp(`^${name}=("?)([^"\\n]*)\\1$`, "m").exec(text)?.[2]?.toLowerCase() ?? "";
  return [field("ID"), ...field("ID_LIKE").split(/\s+/)].filter((id) => id !== "");
}

/**
 * The machine's package manager: macOS is Homebrew; on Linux the os-release family decides (dnf falls back to yum
 * on older RHEL), else the first manager whose program is on PATH.
 */
export function detectPackageManager(p: PackageManagerProbes): PackageManager | undefined {
  if (p.platform === "darwin") return "brew";
  for (const id of osReleaseIds(p.osRelease ?? "")) {
    const manager = families.find((f) => f.ids.includes(id))?.manager;
    if (manager === "dnf" && !p.has("dnf") && p.has("yum")) return "yum";
    if (manager !== undefined) return manager;
  }
  return packageManagers.find((m) => p.has(programs[m]));
}

/** The command that installs `packages` ("sudo " unless root; Homebrew never runs as root). */
export function installCommand(manager: PackageManager, packages: readonly string[], root: boolean): string {
  const sudo = root || manager === "brew" ? "" : "sudo ";
  const list = packages.join(" ");
  switch (manager) {
    case "apt":
      return `${sudo}apt-get install -y ${list}`;
    case "dnf":
    case "yum":
    case "zypper":
      return `${sudo}${manager} install -y ${list}`;
    case "apk":
      return `${sudo}apk add ${list}`;
    case "pacman":
      return `${sudo}pacman -S --needed ${list}`;
    case "brew":
      return `brew install ${list}`;
  }
}
