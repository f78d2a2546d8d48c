import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "@jest/globals";
import { parse } from "yaml";
import type { z } from "zod";
import { configSchema as notifierConfig } from "../../../services/notifier/src/config.js";
import { configSchema as plannerConfig } from "../../../services/planner/src/config.js";
import { configSchema as requestApiConfig } from "../../../services/request-api/src/config.js";
import { configSchema as statusTrackerConfig } from "../../../services/status-tracker/src/config.js";
import { configSchema as unloaderConfig } from "../../../services/unloader/src/config.js";
import { repoRoot } from "../../../dev/stack/paths.js";
import { stackEnv, stackEndpoints } from "../../../dev/stack/stack.js";

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  environment?: Record<string, string>;
  ports?: string[];
}

// Compose resolves YAML merge keys (<<); yaml 2 does only when asked.
const compose = parse(readFileSync(join(repoRoot, "docker-compose.yml"), "utf8"), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const appServices = ["request-api", "planner", "unloader", "status-tracker", "notifier"];

describe("docker-compose.yml", () => {
  it("runs the same stack images, pinned", () => {
    expect(compose.services.kafka?.image).toBe("apache/kafka:4.1.1");
    expect(compose.services.postgres?.image).toBe("postgres:15");
    expect(compose.services.moto?.image).toBe("motoserver/moto:5.2.5");
  });

  it.each(appServices)("builds %s from the shared Dockerfile with the stack's variable names", (name) => {
    const service = compose.services[name];
    expect(service?.build).toEqual({ context: ".", dockerfile: "infra/docker/Dockerfile", args: { SERVICE: name } });
    // The image itself sets DUCKDB_POSTGRES_EXTENSION; every other stack variable comes from compose, except the
    // Redshift Data API emulator's: it runs only in the Docker-less stack (dev/stack) and no service reads it yet.
    const expected = Object.keys(stackEnv(stackEndpoints("dev", {}).endpoints)).filter(
      (k) => k !== "DUCKDB_POSTGRES_EXTENSION" && !k.startsWith("REDSHIFT_"),
    );
    expect(Object.keys(service?.environment ?? {})).toEqual(expect.arrayContaining(expected));
  });

  const schemas: Record<string, z.ZodObject> = {
    "request-api": requestApiConfig,
    planner: plannerConfig,
    unloader: unloaderConfig,
    "status-tracker": statusTrackerConfig,
    notifier: notifierConfig,
  };
  it.each(appServices)("gives %s an environment its config schema accepts (it would start)", (name) => {
    // The image sets DUCKDB_POSTGRES_EXTENSION (infra/docker/Dockerfile).
    const env = {
      DUCKDB_POSTGRES_EXTENSION: "/opt/duckdb/postgres_scanner.duckdb_extension",
      ...compose.services[name]?.environment,
    };
    const parsed = schemas[name]?.safeParse(env);
    expect(parsed?.success ? [] : parsed?.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([]);
  });

  it("runs the provisioning once before the services", () => {
    expect(compose.services["init"]).toMatchObject({
      command: ["node", "--import", "tsx", "dev/commands/provision.ts"],
    });
    // The image copies dev/ for it (infra/docker/Dockerfile).
    expect(existsSync(join(repoRoot, "dev/commands/provision.ts"))).toBe(true);
    expect(readFileSync(join(repoRoot, "infra/docker/Dockerfile"), "utf8")).toContain("COPY dev ./dev");
    expect(compose.services["request-api"]?.environment?.["HOST"]).toBe("0.0.0.0");
  });

  it("publishes request-api on 4001", () => {
    expect(compose.services["request-api"]?.ports).toContain("4001:4001");
  });
});
