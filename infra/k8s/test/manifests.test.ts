import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "@jest/globals";
import { topics } from "@data-exporter/contracts";
import { parseAllDocuments } from "yaml";
import type { z } from "zod";
import { configSchema as notifierSchema } from "../../../services/notifier/src/config.js";
import { configSchema as catalogRegistrarSchema } from "../../../services/catalog-registrar/src/config.js";
import { triggerConfigSchema } from "../../../services/planner/src/cli/trigger-config.js";
import { configSchema as plannerSchema } from "../../../services/planner/src/config.js";
import { configSchema as requestApiSchema } from "../../../services/request-api/src/config.js";
import { configSchema as sharingServerSchema } from "../../../services/sharing-server/src/config.js";
import { parseSharingConfig } from "../../../services/sharing-server/src/domain/sharing-config.js";
import { configSchema as statusTrackerSchema } from "../../../services/status-tracker/src/config.js";
import { configSchema as unloaderSchema } from "../../../services/unloader/src/config.js";
import { renderTopicsYaml, topicsManifestPath } from "../generate-topics.js";

/**
 * The Kubernetes manifests checked against the code they deploy: every variable a service's config schema requires
 * is provided (and the whole environment parses), probes hit the port the service listens on, and the topics are
 * those of packages/contracts/src/topics.ts.
 */
const k8sDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = join(k8sDir, "../..");

// The parts of the manifests the test reads; the assertions below are what checks them.
interface Doc {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: { readonly name?: string };
  readonly [field: string]: unknown;
}
interface EnvVar {
  readonly name: string;
  readonly value?: unknown;
  readonly valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } };
}
interface HttpProbe {
  readonly httpGet?: { path: string; port: string | number };
}
interface Container {
  readonly name?: string;
  readonly image: string;
  readonly command: string[];
  readonly ports?: { name?: string; containerPort: number }[];
  readonly envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  readonly env?: EnvVar[];
  readonly resources: { requests: Record<string, string | number>; limits: Record<string, string | number> };
  readonly livenessProbe?: HttpProbe;
  readonly readinessProbe?: HttpProbe;
  readonly startupProbe?: HttpProbe;
  readonly volumeMounts?: { name: string; mountPath: string; subPath?: string; readOnly?: boolean }[];
}
interface PodSpec {
  readonly containers: Container[];
  readonly volumes?: { name: string; secret?: { secretName: string }; emptyDir?: unknown }[];
  readonly restartPolicy?: string;
  readonly terminationGracePeriodSeconds: number;
  readonly securityContext?: Record<string, unknown>;
}
interface Deployment extends Doc {
  readonly spec: {
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
  };
}
interface CronJob extends Doc {
  readonly spec: { jobTemplate: { spec: { template: { spec: PodSpec } } } };
}
interface Service extends Doc {
  readonly spec: { selector: Record<string, string>; ports: { targetPort: string | number }[] };
}
interface KafkaTopic extends Doc {
  readonly spec: { topicName: string; partitions: number; config: Record<string, string | number> };
}
interface Kustomization extends Doc {
  readonly resources: string[];
  readonly namespace: string;
  readonly images: unknown[];
}

interface Manifest {
  readonly file: string;
  readonly doc: Doc;
}

const manifests: Manifest[] = readdirSync(k8sDir)
  .filter((f) => f.endsWith(".yaml"))
  .sort()
  .flatMap((file) =>
    parseAllDocuments(readFileSync(join(k8sDir, file), "utf8")).map((document) => {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors.map((e) => e.message).join("; ")}`);
      return { file, doc: document.toJS() as Doc };
    }),
  );

const ofKind = (kind: string): Manifest[] => manifests.filter((m) => m.doc.kind === kind);
function named<T extends Doc>(kind: string, name: string): T {
  const found = ofKind(kind).find((m) => m.doc.metadata?.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in infra/k8s`);
  return found.doc as T;
}
const podOf = (name: string): PodSpec => named<Deployment>("Deployment", name).spec.template.spec;
const containerOf = (pod: PodSpec): Container => {
  expect(pod.containers).toHaveLength(1);
  return pod.containers[0] as Container;
};

const apiVersions: Record<string, string> = {
  Namespace: "v1",
  ServiceAccount: "v1",
  ConfigMap: "v1",
  Secret: "v1",
  Service: "v1",
  Deployment: "apps/v1",
  CronJob: "batch/v1",
  KafkaTopic: "kafka.strimzi.io/v1beta2",
  Kustomization: "kustomize.config.k8s.io/v1beta1",
};

/** Each service with its config schema and the port its health routes listen on. */
const services: Record<string, { schema: z.ZodObject; port: number }> = {
  "request-api": { schema: requestApiSchema, port: 4001 },
  planner: { schema: plannerSchema, port: 4002 },
  unloader: { schema: unloaderSchema, port: 4003 },
  "status-tracker": { schema: statusTrackerSchema, port: 4004 },
  notifier: { schema: notifierSchema, port: 4005 },
  "sharing-server": { schema: sharingServerSchema, port: 4080 },
  "catalog-registrar": { schema: catalogRegistrarSchema, port: 4006 },
};

/** Services whose clients call them: HOST must be 0.0.0.0 and health is served on their API's PORT. */
const servers = ["request-api", "sharing-server"];

/** Variables that must come from the Secret, never from a ConfigMap or a literal. */
const secretNames = ["DATABASE_URL", "MIGRATION_DATABASE_URL", "WAREHOUSE_URL", "HASH_KEY"];

/** ENV lines of the image (e.g. DUCKDB_POSTGRES_EXTENSION), which every container inherits. */
function imageEnv(): Record<string, string> {
  const dockerfile = readFileSync(join(repoRoot, "infra/docker/Dockerfile"), "utf8");
  const env: Record<string, string> = {};
  for (const [, name, value] of dockerfile.matchAll(/^ENV (\w+)=(\S+)$/gm)) {
    if (name && value && !value.includes("$")) env[name] = value;
  }
  return env;
}

/** What a container's process sees: image ENV, then envFrom ConfigMaps, then env (Secret values from the example). */
function containerEnv(container: Container): { env: Record<string, string>; sources: Record<string, string> } {
  const env: Record<string, string> = { ...imageEnv() };
  const sources: Record<string, string> = Object.fromEntries(Object.keys(env).map((k) => [k, "image"]));
  for (const from of container.envFrom ?? []) {
    expect(from.secretRef).toBeUndefined(); // secrets are picked key by key: a service gets only those it needs
    const data = (named("ConfigMap", from.configMapRef?.name ?? "").data ?? {}) as Record<string, string>;
    for (const [k, v] of Object.entries(data)) {
      env[k] = v;
      sources[k] = "configmap";
    }
  }
  const secret = named("Secret", "data-exporter-secrets").stringData as Record<string, string>;
  for (const entry of container.env ?? []) {
    const name = entry.name;
    if (entry.value !== undefined) {
      // An unquoted number or boolean in YAML is not a valid env value for Kubernetes.
      expect({ name, type: typeof entry.value }).toEqual({ name, type: "string" });
      env[name] = typeof entry.value === "string" ? entry.value : JSON.stringify(entry.value);
      sources[name] = "literal";
    } else if (entry.valueFrom?.secretKeyRef) {
      const ref = entry.valueFrom.secretKeyRef;
      expect(ref.name).toBe("data-exporter-secrets");
      expect(Object.keys(secret)).toContain(ref.key);
      env[name] = secret[ref.key] ?? "";
      sources[name] = "secret";
    } else if (entry.valueFrom?.fieldRef) {
      env[name] = "pod-name";
      sources[name] = "field";
    } else {
      throw new Error(`env ${name} has neither value nor a known valueFrom`);
    }
  }
  return { env, sources };
}

/** Variables the schema cannot do without (no default, not optional). */
function requiredKeys(schema: z.ZodObject): string[] {
  return Object.entries(schema.shape as Record<string, z.ZodType>)
    .filter(([, field]) => !field.safeParse(undefined).success)
    .map(([key]) => key);
}

function expectEnvSatisfies(schema: z.ZodObject, env: Record<string, string>): Record<string, unknown> {
  for (const key of requiredKeys(schema)) expect({ key, provided: key in env }).toEqual({ key, provided: true });
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n"));
  return parsed.data;
}

function expectSecretsOnlyFromSecret(sources: Record<string, string>): void {
  for (const name of secretNames)
    if (name in sources) expect({ name, source: sources[name] }).toEqual({ name, source: "secret" });
}

/** Bytes of a Kubernetes quantity (Mi, Gi, M, G) or a DuckDB memory setting (MB, GB, MiB, GiB). */
function bytes(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(Ki|Mi|Gi|K|M|G|KB|MB|GB|KiB|MiB|GiB)?$/.exec(quantity);
  if (!match) throw new Error(`cannot read quantity ${quantity}`);
  const units: Record<string, number> = {
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    KiB: 2 ** 10,
    MiB: 2 ** 20,
    GiB: 2 ** 30,
    K: 1e3,
    M: 1e6,
    G: 1e9,
    KB: 1e3,
    MB: 1e6,
    GB: 1e9,
  };
  return Number(match[1]) * (match[2] ? (units[match[2]] ?? 1) : 1);
}

/** The image runs compiled JavaScript (infra/docker/Dockerfile): `path` is the source, dist/*.js what runs. */
function expectEntryPoint(container: Container, path: string): void {
  expect(container.image).toBe("data-exporter");
  const compiled = path.replace("/src/", "/dist/").replace(/\.ts$/, ".js");
  expect(container.command).toEqual(["node", "--enable-source-maps", compiled]);
  expect(existsSync(join(repoRoot, path))).toBe(true);
}

describe("infra/k8s manifests", () => {
  it("parse, and each has a known kind with its apiVersion and a name", () => {
    expect(manifests.length).toBeGreaterThan(10);
    for (const { file, doc } of manifests) {
      expect({ file, kind: doc.kind, apiVersion: doc.apiVersion }).toEqual({
        file,
        kind: doc.kind,
        apiVersion: apiVersions[doc.kind ?? ""],
      });
      if (doc.kind !== "Kustomization") expect(typeof doc.metadata?.name).toBe("string");
    }
  });

  it("kustomization.yaml lists every manifest except the Secret example", () => {
    const kustomizations = ofKind("Kustomization").map((m) => m.doc as Kustomization);
    expect(kustomizations).toHaveLength(1);
    const kustomization = kustomizations[0] as Kustomization;
    const files = [...new Set(manifests.map((m) => m.file))].filter(
      (f) => f !== "kustomization.yaml" && f !== "secret.example.yaml",
    );
    expect([...kustomization.resources].sort()).toEqual(files.sort());
    expect(kustomization.namespace).toBe("data-exporter");
    expect(kustomization.images).toEqual([expect.objectContaining({ name: "data-exporter" })]);
  });

  it("keep secrets out of ConfigMaps", () => {
    for (const { doc } of ofKind("ConfigMap"))
      for (const name of secretNames) expect(Object.keys(doc.data as object)).not.toContain(name);
  });

  describe.each(Object.keys(services))("Deployment %s", (name) => {
    const { schema, port } = services[name]!;
    const deployment = (): Deployment => named<Deployment>("Deployment", name);
    const pod = (): PodSpec => podOf(name);
    const container = (): Container => containerOf(pod());

    it("runs the service's main.ts from the project image, labelled so its selector matches", () => {
      expectEntryPoint(container(), `services/${name}/src/main.ts`);
      expect(deployment().spec.selector.matchLabels).toEqual({ "app.kubernetes.io/name": name });
      expect(deployment().spec.template.metadata.labels).toMatchObject({ "app.kubernetes.io/name": name });
      expect(pod().securityContext).toMatchObject({ runAsNonRoot: true });
    });

    it("provides every variable its config schema requires, and the environment parses", () => {
      const { env, sources } = containerEnv(container());
      const config = expectEnvSatisfies(schema, env);
      expectSecretsOnlyFromSecret(sources);
      expect(pod().terminationGracePeriodSeconds * 1000).toBeGreaterThan(config.SHUTDOWN_TIMEOUT_MS as number);
      if (servers.includes(name)) expect(config.HOST).toBe("0.0.0.0"); // the default 127.0.0.1 would be unreachable
    });

    it(`probes /healthz (liveness, startup) and /readyz (readiness) on the port the service listens on (${port})`, () => {
      const config = schema.parse(containerEnv(container()).env) as { PORT?: number; HEALTH_PORT?: number };
      expect(servers.includes(name) ? config.PORT : config.HEALTH_PORT).toBe(port);
      const ports = container().ports ?? [];
      const portOf = (ref: string | number): number | undefined =>
        typeof ref === "number" ? ref : ports.find((p) => p.name === ref)?.containerPort;
      const probe = (
        kind: "livenessProbe" | "readinessProbe" | "startupProbe",
      ): { path: string; port: number | undefined } => {
        const get = container()[kind]?.httpGet;
        if (!get) throw new Error(`${name} has no ${kind}`);
        return { path: get.path, port: portOf(get.port) };
      };
      expect(probe("livenessProbe")).toEqual({ path: "/healthz", port });
      expect(probe("readinessProbe")).toEqual({ path: "/readyz", port });
      expect(probe("startupProbe")).toEqual({ path: "/healthz", port });
    });

    it("requests CPU and memory and caps memory", () => {
      const { requests, limits } = container().resources;
      expect(requests).toMatchObject({ cpu: expect.anything(), memory: expect.any(String) });
      expect(bytes(String(limits.memory))).toBeGreaterThanOrEqual(bytes(String(requests.memory)));
      if (name === "unloader") {
        // Every concurrent unload has its own DuckDB of up to DUCKDB_MEMORY_LIMIT; Node needs its share on top.
        const config = unloaderSchema.parse(containerEnv(container()).env);
        const duckdb = config.UNLOAD_PARALLELISM * bytes(config.DUCKDB_MEMORY_LIMIT);
        expect(bytes(String(limits.memory))).toBeGreaterThanOrEqual(duckdb + bytes("384Mi"));
        expect(requests["ephemeral-storage"]).toBeDefined();
      }
    });
  });

  it("exposes request-api through a Service on its GraphQL port", () => {
    const service = named<Service>("Service", "request-api");
    expect(service.spec.selector).toEqual({ "app.kubernetes.io/name": "request-api" });
    const target = (containerOf(podOf("request-api")).ports ?? []).find(
      (p) => p.name === service.spec.ports[0]?.targetPort,
    );
    expect(target?.containerPort).toBe(4001);
  });

  it("exposes the sharing server through a Service on its API port", () => {
    const service = named<Service>("Service", "sharing-server");
    expect(service.spec.selector).toEqual({ "app.kubernetes.io/name": "sharing-server" });
    const target = (containerOf(podOf("sharing-server")).ports ?? []).find(
      (p) => p.name === service.spec.ports[0]?.targetPort,
    );
    expect(target?.containerPort).toBe(4080);
  });

  it("gives the sharing server its shares and recipients as a Secret it reads, whose example it accepts", () => {
    const pod = podOf("sharing-server");
    const container = containerOf(pod);
    const file = sharingServerSchema.parse(containerEnv(container).env).SHARING_CONFIG_FILE;
    // The whole Secret as a folder, never subPath: only then does an edit of the Secret reach the running pod.
    const mount = (container.volumeMounts ?? []).find((m) => file.startsWith(`${m.mountPath}/`));
    expect(mount).toMatchObject({ readOnly: true });
    expect(mount?.subPath).toBeUndefined();
    const volume = (pod.volumes ?? []).find((v) => v.name === mount?.name);
    expect(volume?.secret?.secretName).toBe("data-exporter-sharing");
    const key = file.slice((mount?.mountPath.length ?? 0) + 1);
    const data = named("Secret", "data-exporter-sharing").stringData as Record<string, string>;
    expect(Object.keys(data)).toEqual([key]);
    const example = parseSharingConfig(JSON.parse(data[key] ?? ""), "secret.example.yaml");
    expect(example.recipients.map((r) => r.shares)).toEqual([["exports"]]);
  });

  it("triggers the scheduled export daily at 01:00 Melbourne time, never two at once", () => {
    const cronJob = named<CronJob>("CronJob", "daily-export-trigger");
    expect(cronJob.spec).toMatchObject({
      schedule: "0 1 * * *",
      timeZone: "Australia/Melbourne",
      concurrencyPolicy: "Forbid",
    });
    const pod = cronJob.spec.jobTemplate.spec.template.spec;
    expect(pod.restartPolicy).toBe("Never");
    const container = containerOf(pod);
    expectEntryPoint(container, "services/planner/src/trigger.ts");
    const { env, sources } = containerEnv(container);
    const config = expectEnvSatisfies(triggerConfigSchema, env);
    expect(config.TRIGGERED_BY).toBe("cronjob");
    expectSecretsOnlyFromSecret(sources);
    expect(container.resources.requests).toMatchObject({ cpu: expect.anything(), memory: expect.any(String) });
  });

  it("defines exactly the topics of packages/contracts/src/topics.ts", () => {
    expect(readFileSync(topicsManifestPath, "utf8")).toBe(renderTopicsYaml()); // else: npx tsx --conditions=source infra/k8s/generate-topics.ts
    const defined = ofKind("KafkaTopic").map(({ doc }) => {
      const { spec } = doc as KafkaTopic;
      return {
        name: spec.topicName,
        partitions: spec.partitions,
        retentionMs: spec.config["retention.ms"],
        cleanupPolicy: spec.config["cleanup.policy"],
      };
    });
    const expected = Object.values(topics).map(({ name, partitions, retentionMs, cleanupPolicy }) => ({
      name,
      partitions,
      retentionMs,
      cleanupPolicy,
    }));
    expect(defined).toEqual(expected);
  });
});
