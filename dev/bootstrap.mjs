#!/usr/bin/env node
// Entry point of `npm start|stop|test|bench`: plain Node without dependencies, because it runs before `npm ci`.
// It installs node_modules when missing or stale, then runs the TypeScript script with tsx, forwarding
// signals and the exit code.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { constants } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const commands = {
  start: "dev/commands/start.ts",
  stop: "dev/commands/stop.ts",
  test: "dev/commands/test.ts",
  bench: "dev/commands/bench.ts",
};

const lockFile = join(root, "package-lock.json");
const nodeModules = join(root, "node_modules");
const stampFile = join(nodeModules, ".install-stamp");
// npm's own record of the installed tree, written at the end of every install.
const hiddenLock = join(nodeModules, ".package-lock.json");

function log(msg) {
  process.stderr.write(`[bootstrap] ${msg}\n`);
}

function dependencyHash() {
  const hash = createHash("sha256");
  hash.update(existsSync(lockFile) ? readFileSync(lockFile) : readFileSync(join(root, "package.json")));
  return hash.digest("hex");
}

function ensureDependencies() {
  const wanted = dependencyHash();
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8").trim() === wanted) return;
  // After a plain `npm install <pkg>` (or a tree installed before this script existed) the stamp is stale but
  // the tree is current: npm's hidden lockfile is then newer than package-lock.json. Trust it rather than
  // wiping node_modules under whoever is using it; a pulled lockfile change makes package-lock.json newer.
  if (existsSync(hiddenLock) && existsSync(lockFile) && statSync(hiddenLock).mtimeMs >= statSync(lockFile).mtimeMs) {
    writeFileSync(stampFile, `${wanted}\n`);
    return;
  }
  const args = existsSync(lockFile) ? ["ci"] : ["install"];
  log(`node_modules ${existsSync(nodeModules) ? "is stale" : "is missing"}: npm ${args.join(" ")}`);
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const r = spawnSync(npm, [...args, "--no-audit", "--no-fund"], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) {
    log(`npm ${args[0]} failed (${r.error?.message ?? `exit ${r.status}`})`);
    process.exit(r.status ?? 1);
  }
  writeFileSync(stampFile, `${dependencyHash()}\n`);
}

function main() {
  const [command, ...rest] = process.argv.slice(2);
  const script = commands[command ?? ""];
  if (script === undefined) {
    log(`usage: node dev/bootstrap.mjs <${Object.keys(commands).join("|")}> [args...]`);
    process.exit(2);
  }
  ensureDependencies();
  // npm passes `--` through when called as `npm test -- args`; the commands expect only the args.
  const args = rest[0] === "--" ? rest.slice(1) : rest;
  const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", join(root, script), ...args], {
    cwd: root,
    stdio: "inherit",
  });
  const forward = (signal) => child.kill(signal);
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  child.once("error", (err) => {
    log(`cannot start ${script}: ${err.message}`);
    process.exit(1);
  });
  child.once("exit", (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
}

main();
