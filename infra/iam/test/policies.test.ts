/**
 * Each workload's IAM policy (infra/iam/<service>.json) grants exactly what its code calls: the AWS operations its
 * source constructs (aws-calls.ts) mapped to IAM actions (iam-actions.ts), nothing else, never `*`, each on the
 * resources it concerns; and its Kubernetes ServiceAccount is its own, with the role only where it calls AWS.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "@jest/globals";
import { parseAllDocuments } from "yaml";
import { awsOperationsOf, type AwsOperation } from "./aws-calls.js";
import {
  arnServiceOf,
  bucketActions,
  iamActionsOf,
  ownStatementActions,
  ownStatementCondition,
} from "./iam-actions.js";

const iamDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = join(iamDir, "../..");

interface Statement {
  readonly Sid: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: string | string[];
  readonly Condition?: unknown;
}
interface Policy {
  readonly Version: string;
  readonly Statement: Statement[];
}
const list = (value: string | string[]): string[] => (Array.isArray(value) ? value : [value]);

/** Each workload and its entry point; the ServiceAccount it runs as is `data-exporter-<workload>`. */
const workloads: Record<string, string> = {
  "request-api": "services/request-api/src/main.ts",
  planner: "services/planner/src/main.ts",
  unloader: "services/unloader/src/main.ts",
  "status-tracker": "services/status-tracker/src/main.ts",
  notifier: "services/notifier/src/main.ts",
  "sharing-server": "services/sharing-server/src/main.ts",
  "catalog-registrar": "services/catalog-registrar/src/main.ts",
  "daily-export-trigger": "services/planner/src/trigger.ts",
};

/**
 * Operations the code can reach (or the scan takes as reachable) that the deployed role deliberately does not grant,
 * and why. The unloader's ensureBucket creates and versions the bucket only where it is missing or unversioned (the
 * local emulator); in AWS the bucket is the deployment's, versioned beforehand (infra/k8s/README.md), so there it
 * only checks.
 */
const notGranted: Record<string, readonly string[]> = {
  unloader: ["s3:CreateBucket", "s3:PutBucketVersioning"],
  // The scan counts S3ObjectStore's exists and list (HeadObject, ListObjectsV2) because reachable code names them
  // (ExportBuckets.exists, which request-api uses); the sharing server only reads manifests and presigns GETs, and a
  // missing manifest fails its request with or without ListBucket (403 instead of 404).
  "sharing-server": ["s3:ListBucket"],
};

/**
 * Granted ahead of the code: signed unload commands (issue 15, another branch) have the planner sign and the
 * unloader verify with a key from Secrets Manager. Allowed only while no service constructs GetSecretValueCommand;
 * once one does, the scan alone decides who needs it.
 */
const ahead: Record<string, readonly string[]> = {
  planner: ["secretsmanager:GetSecretValue"],
  unloader: ["secretsmanager:GetSecretValue"],
};

const operations: Record<string, AwsOperation[]> = Object.fromEntries(
  Object.entries(workloads).map(([name, entry]) => [name, awsOperationsOf(repoRoot, join(repoRoot, entry))]),
);
const secretsInCode = Object.values(operations).some((ops) => ops.some((op) => op.operation === "GetSecretValue"));

function policyOf(name: string): Policy | undefined {
  const file = join(iamDir, `${name}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Policy) : undefined;
}
const policyFiles = readdirSync(iamDir).filter((f) => f.endsWith(".json"));
const policies = policyFiles.map((file) => ({ file, policy: policyOf(file.slice(0, -".json".length)) as Policy }));

describe("per-service IAM policies", () => {
  it.each(Object.keys(workloads).map((name) => [name]))("%s: grants exactly what its code calls", (name) => {
    const ops = operations[name] ?? [];
    const unknown = ops.map((op) => `${op.service}:${op.operation}`).filter((key) => iamActionsOf[key] === undefined);
    expect({ unknownOperations: unknown }).toEqual({ unknownOperations: [] });
    const needed = new Set(
      ops
        .flatMap((op) => iamActionsOf[`${op.service}:${op.operation}`] ?? [])
        .filter((action) => !(notGranted[name] ?? []).includes(action)),
    );
    for (const action of secretsInCode ? [] : (ahead[name] ?? [])) needed.add(action);
    const granted = new Set((policyOf(name)?.Statement ?? []).flatMap((s) => list(s.Action)));
    expect([...granted].sort()).toEqual([...needed].sort());
  });

  it("has a policy file only for workloads that call AWS, and one for each of them", () => {
    const withCalls = Object.keys(workloads).filter(
      (name) => (operations[name] ?? []).length > 0 || (ahead[name] ?? []).length > 0,
    );
    expect(policyFiles.map((f) => f.slice(0, -".json".length)).sort()).toEqual(withCalls.sort());
    // status-tracker and the trigger talk to Kafka and PostgreSQL only.
    expect(operations["status-tracker"]).toEqual([]);
    expect(operations["daily-export-trigger"]).toEqual([]);
  });

  it.each(policyFiles.map((file) => [file]))("%s: never *, each action on its own kind of resource", (file) => {
    const policy = policies.find((p) => p.file === file)?.policy as Policy;
    expect(policy.Version).toBe("2012-10-17");
    expect(new Set(policy.Statement.map((s) => s.Sid)).size).toBe(policy.Statement.length);
    for (const statement of policy.Statement) {
      expect(statement.Effect).toBe("Allow");
      const actions = list(statement.Action);
      const resources = list(statement.Resource);
      expect(actions.filter((a) => a.includes("*"))).toEqual([]);
      if (resources.includes("*")) {
        // Only actions without resource-level permissions, and only on the caller's own statements.
        expect({ sid: statement.Sid, actions: actions.filter((a) => !ownStatementActions.has(a)) }).toEqual({
          sid: statement.Sid,
          actions: [],
        });
        expect(statement.Condition).toEqual(ownStatementCondition);
        expect(resources).toEqual(["*"]);
        continue;
      }
      for (const action of actions)
        for (const resource of resources) {
          const [, , service, , , rest = ""] = resource.split(":");
          expect(`${action} on ${resource}`).toMatch(new RegExp(`^${action} on arn:aws:${arnServiceOf(action)}:`));
          // No wildcard standing for a whole service, account or bucket: only a trailing /* under a named prefix.
          expect(`${resource}`).not.toMatch(/:\*|\*\/|^arn:aws:s3:::\*|^arn:aws:s3:::[^/]+\/\*$/);
          if (service === "s3") {
            const onBucket = !rest.includes("/");
            expect(`${action} on ${onBucket ? "the bucket" : "objects"}`).toBe(
              `${action} on ${bucketActions.has(action) ? "the bucket" : "objects"}`,
            );
          }
        }
    }
  });

  it("scopes object access to the export bucket's published, superseded and (unloader) staging prefixes", () => {
    // Every object resource of every policy is the export bucket's.
    for (const { file, policy } of policies)
      for (const resource of policy.Statement.flatMap((s) => list(s.Resource)).filter((r) =>
        r.startsWith("arn:aws:s3:"),
      ))
        expect(`${file}: ${resource}`).toMatch(new RegExp(`^${file}: arn:aws:s3:::EXPORT_BUCKET(/|$)`));
    const objectResources = (name: string): string[] =>
      (policyOf(name)?.Statement ?? [])
        .flatMap((s) => list(s.Resource))
        .filter((r) => r.startsWith("arn:aws:s3:::") && r.includes("/"));
    const published = ["arn:aws:s3:::EXPORT_BUCKET/EXPORT_ENV/*", "arn:aws:s3:::EXPORT_BUCKET/_superseded/*"];
    expect(new Set(objectResources("request-api"))).toEqual(new Set(published));
    // The sharing server links only what its presign scope allows (the bucket's EXPORT_ENV/ objects).
    expect(objectResources("sharing-server")).toEqual(["arn:aws:s3:::EXPORT_BUCKET/EXPORT_ENV/*"]);
    expect(new Set(objectResources("unloader"))).toEqual(
      new Set([...published, "arn:aws:s3:::EXPORT_BUCKET/_staging/*"]),
    );
    const signing = (policyOf("planner")?.Statement ?? []).find((s) =>
      list(s.Action).includes("secretsmanager:GetSecretValue"),
    );
    expect(list(signing?.Resource ?? [])).toEqual([
      "arn:aws:secretsmanager:REGION:ACCOUNT_ID:secret:data-exporter/command-signing-??????",
    ]);
  });
});

describe("Kubernetes ServiceAccounts", () => {
  interface PodSpec {
    readonly serviceAccountName?: string;
  }
  interface K8sDoc {
    readonly kind?: string;
    readonly metadata?: { readonly name?: string; readonly annotations?: Record<string, string> };
    readonly spec?: {
      readonly template?: { readonly spec: PodSpec };
      readonly jobTemplate?: { readonly spec: { readonly template: { readonly spec: PodSpec } } };
    };
  }
  const docs: K8sDoc[] = readdirSync(join(repoRoot, "infra/k8s"))
    .filter((f) => f.endsWith(".yaml"))
    .flatMap((f) =>
      parseAllDocuments(readFileSync(join(repoRoot, "infra/k8s", f), "utf8")).map((d) => d.toJS() as K8sDoc | null),
    )
    .filter((d): d is K8sDoc => d !== null && typeof d === "object");
  const accounts = docs.filter((d) => d.kind === "ServiceAccount");
  const podSpec = (name: string): PodSpec | undefined => {
    const workload = docs.find((d) => ["Deployment", "CronJob"].includes(d.kind ?? "") && d.metadata?.name === name);
    return workload?.spec?.jobTemplate?.spec.template.spec ?? workload?.spec?.template?.spec;
  };

  it.each(Object.keys(workloads).map((name) => [name]))(
    "%s runs as its own ServiceAccount, with its role only if it calls AWS",
    (name) => {
      expect(podSpec(name)?.serviceAccountName).toBe(`data-exporter-${name}`);
      const account = accounts.find((a) => a.metadata?.name === `data-exporter-${name}`);
      expect(account).toBeDefined();
      const role = account?.metadata?.annotations?.["eks.amazonaws.com/role-arn"];
      expect(role).toBe(
        policyOf(name) === undefined ? undefined : `arn:aws:iam::123456789012:role/data-exporter-${name}`,
      );
    },
  );

  it("leaves no workload on a shared account", () => {
    const used = Object.keys(workloads).map((name) => podSpec(name)?.serviceAccountName);
    expect(new Set(used).size).toBe(used.length);
    expect(accounts.map((a) => a.metadata?.name).sort()).toEqual(used.sort());
  });
});

describe("aws-calls (the scan the policies are checked with)", () => {
  const root = mkdtempSync(join(tmpdir(), "aws-calls-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  write(
    "packages/store/src/index.ts",
    `export { Store } from "./store.js";\nexport { unusedHelper } from "./helper.js";\n`,
  );
  write(
    "packages/store/src/store.ts",
    [
      `import { PutObjectCommand, DeleteObjectCommand, HeadBucketCommand, S3Client } from "@aws-sdk/client-s3";`,
      `export class Store {`,
      `  readonly client = new S3Client({});`,
      `  async put(): Promise<void> {`,
      `    await this.client.send(new PutObjectCommand({}));`,
      `    await this.#check();`,
      `  }`,
      `  async remove(): Promise<void> {`,
      `    await this.client.send(new DeleteObjectCommand({}));`,
      `  }`,
      `  async #check(): Promise<void> {`,
      `    await this.client.send(new HeadBucketCommand({}));`,
      `  }`,
      `}`,
    ].join("\n"),
  );
  write(
    "packages/store/src/helper.ts",
    `import { PublishCommand } from "@aws-sdk/client-sns";\nexport function unusedHelper() { return new PublishCommand({}); }\n`,
  );
  write("packages/store/src/types.ts", `export interface Port {\n  remove(): Promise<void>;\n}\n`);
  write(
    "services/app/src/main.ts",
    `import type { Port } from "../../../packages/store/src/types.js";\nimport { Store } from "@data-exporter/store";\nawait new Store().put();\n`,
  );

  it("counts the commands of the methods a service calls, through private helpers, and nothing else", () => {
    const found = awsOperationsOf(root, join(root, "services/app/src/main.ts")).map(
      (op) => `${op.service}:${op.operation} in ${op.within}`,
    );
    // remove() is declared by an interface and never called; unusedHelper is only re-exported.
    expect(found.sort()).toEqual(["s3:HeadBucket in #check", "s3:PutObject in put"]);
  });
});
