import { describe, expect, it } from "@jest/globals";
import { SharingError } from "../src/domain/errors.js";
import type { QueryRequest } from "../src/domain/query-request.js";
import { onDemandTableName } from "../src/domain/share-layout.js";
import { ids, linkTtlMs, now, sharingFixture } from "./support/sharing-fixture.js";

const firstPage = { maxResults: null, pageToken: null };
const snapshot: QueryRequest = {
  predicateHints: [],
  jsonPredicateHints: undefined,
  limitHint: undefined,
  version: undefined,
};

async function refusal(run: () => unknown): Promise<SharingError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof SharingError) return error;
    throw error;
  }
  throw new Error("no error thrown");
}

const annWay = onDemandTableName("way", ids.annWay);
const bobWay = onDemandTableName("way", ids.bobWay);

describe("SharingService: shares and schemas", () => {
  const { service, recipient } = sharingFixture();

  it("lists only the shares granted to the recipient, with stable ids and comments", () => {
    const page = service.listShares(recipient("acme"), firstPage);
    expect(page.items.map((s) => s.name)).toEqual(["adhoc", "traffic"]);
    expect(page.items.find((s) => s.name === "traffic")?.comment).toBe("road data");
    expect(service.listShares(recipient("acme"), firstPage)).toEqual(page);
    expect(page.nextPageToken).toBeUndefined();
  });

  it("an unknown share is 404, a share not granted 403", async () => {
    const unknown = await refusal(() => service.getShare(recipient("acme"), "nowhere"));
    expect([unknown.code, unknown.status]).toEqual(["RESOURCE_DOES_NOT_EXIST", 404]);
    const denied = await refusal(() => service.getShare(recipient("acme"), "everything"));
    expect([denied.code, denied.status]).toEqual(["PERMISSION_DENIED", 403]);
    expect((await refusal(() => service.listSchemas(recipient("acme"), "everything", firstPage))).status).toBe(403);
    expect((await refusal(() => service.listAllTables(recipient("acme"), "everything", firstPage))).status).toBe(403);
    expect(
      (await refusal(() => service.query(recipient("acme"), "everything", "scheduled", "way", snapshot))).status,
    ).toBe(403);
  });

  it("schemas follow what each share holds", () => {
    expect(service.listSchemas(recipient("acme"), "traffic", firstPage).items).toEqual([
      { name: "scheduled", share: "traffic" },
    ]);
    expect(service.listSchemas(recipient("globex"), "everything", firstPage).items.map((s) => s.name)).toEqual([
      "on_demand",
      "scheduled",
    ]);
  });

  it("an unknown schema, or one the share does not hold, is 404", async () => {
    expect((await refusal(() => service.listTables(recipient("acme"), "traffic", "on_demand", firstPage))).code).toBe(
      "RESOURCE_DOES_NOT_EXIST",
    );
    expect((await refusal(() => service.tableVersion(recipient("acme"), "traffic", "default", "way"))).status).toBe(
      404,
    );
  });
});

describe("SharingService: tables", () => {
  const { service, recipient } = sharingFixture();

  it("lists the scheduled tables the share names, among those exported", async () => {
    const page = await service.listTables(recipient("acme"), "traffic", "scheduled", firstPage);
    expect(page.items.map((t) => t.name)).toEqual(["traffic_observation", "way"]);
    expect(page.items[0]).toMatchObject({ schema: "scheduled", share: "traffic" });
    expect(page.items[0]?.id).not.toBe(page.items[1]?.id);
  });

  it("lists only the named callers' on-demand exports", async () => {
    const page = await service.listTables(recipient("acme"), "adhoc", "on_demand", firstPage);
    expect(page.items.map((t) => t.name).sort()).toEqual([annWay, onDemandTableName("way", ids.stray)].sort());
  });

  it("lists all tables of a share across its schemas, page by page", async () => {
    const all = await service.listAllTables(recipient("globex"), "everything", firstPage);
    const expected = [
      ...[annWay, bobWay, onDemandTableName("way", ids.stray)].sort().map((name) => `on_demand.${name}`),
      "scheduled.secret_table",
      "scheduled.traffic_observation",
      "scheduled.way",
    ];
    expect(all.items.map((t) => `${t.schema}.${t.name}`)).toEqual(expected);
    const seen: string[] = [];
    let token: string | null = null;
    for (let i = 0; i < 10; i += 1) {
      const page = await service.listAllTables(recipient("globex"), "everything", {
        maxResults: "2",
        pageToken: token,
      });
      seen.push(...page.items.map((t) => `${t.schema}.${t.name}`));
      expect(page.items.length).toBeLessThanOrEqual(2);
      if (page.nextPageToken === undefined) break;
      token = page.nextPageToken;
    }
    expect(seen).toEqual(expected);
  });

  it("a table's metadata id is the id it is listed with (clients key caches on it)", async () => {
    const listed = await service.listTables(recipient("acme"), "traffic", "scheduled", firstPage);
    const view = await service.tableMetadata(recipient("acme"), "traffic", "scheduled", "way");
    expect(view.metadata.id).toBe(listed.items.find((t) => t.name === "way")?.id);
    const onDemand = await service.listTables(recipient("acme"), "adhoc", "on_demand", firstPage);
    const annView = await service.tableMetadata(recipient("acme"), "adhoc", "on_demand", annWay);
    expect(annView.metadata.id).toBe(onDemand.items.find((t) => t.name === annWay)?.id);
  });

  it("a table the share does not name, or never exported, is 404", async () => {
    for (const table of ["secret_table", "missing"])
      expect((await refusal(() => service.tableMetadata(recipient("acme"), "traffic", "scheduled", table))).code).toBe(
        "RESOURCE_DOES_NOT_EXIST",
      );
    expect(
      (await refusal(() => service.tableMetadata(recipient("globex"), "everything", "scheduled", "missing"))).status,
    ).toBe(404);
    expect((await refusal(() => service.tableMetadata(recipient("acme"), "adhoc", "on_demand", "way"))).status).toBe(
      404,
    );
  });

  it("another caller's on-demand export is 404 when the share names callers, readable when it shares all", async () => {
    const error = await refusal(() => service.tableMetadata(recipient("acme"), "adhoc", "on_demand", bobWay));
    expect(error.code).toBe("RESOURCE_DOES_NOT_EXIST");
    expect(error.message).not.toContain("bob");
    expect((await refusal(() => service.query(recipient("acme"), "adhoc", "on_demand", bobWay, snapshot))).status).toBe(
      404,
    );
    expect((await service.tableMetadata(recipient("globex"), "everything", "on_demand", bobWay)).metadata.name).toBe(
      bobWay,
    );
  });

  it("version: a scheduled table's completed exports minus one; an on-demand table's is 0", async () => {
    expect(await service.tableVersion(recipient("acme"), "traffic", "scheduled", "way")).toBe(2);
    expect(await service.tableVersion(recipient("acme"), "traffic", "scheduled", "traffic_observation")).toBe(0);
    expect(await service.tableVersion(recipient("acme"), "adhoc", "on_demand", annWay)).toBe(0);
  });

  it("metadata: a date's latest export only, and the schema of the newest export", async () => {
    const view = await service.tableMetadata(recipient("acme"), "traffic", "scheduled", "way");
    expect(view.files.map((f) => f.file.key)).toEqual([
      "dev/2026/11/23/way/data_0.parquet",
      "dev/2026/11/24/way/data_0.parquet.b",
      "dev/2026/11/24/way/data_1.parquet.b",
    ]);
    expect(view.metadata.numFiles).toBe(3);
    const schema = JSON.parse(view.metadata.schemaString) as { fields: { name: string; metadata: object }[] };
    expect(schema.fields.map((f) => f.name)).toEqual(["id", "lanes", "export_date"]);
    expect(schema.fields[1]?.metadata).toEqual({ comment: "how many lanes" });
  });
});

describe("SharingService: schema of a table whose newest export wrote no file", () => {
  it("is taken from the newest export that has columns", async () => {
    const { service, recipient, columnsByRequest, columnsRead } = sharingFixture();
    columnsByRequest.set("r-24b", { columns: [], comments: {} });
    const view = await service.tableMetadata(recipient("acme"), "traffic", "scheduled", "way");
    const schema = JSON.parse(view.metadata.schemaString) as { fields: { name: string }[] };
    expect(schema.fields.map((f) => f.name)).toEqual(["id", "export_date"]);
    expect(columnsRead).toEqual(["r-24b", "r-23"]);
  });

  it("is only the partition column when no export has columns", async () => {
    const { service, recipient, columnsByRequest } = sharingFixture();
    columnsByRequest.set("r-24b", { columns: [], comments: {} });
    columnsByRequest.set("r-23", { columns: [], comments: {} });
    const view = await service.tableMetadata(recipient("acme"), "traffic", "scheduled", "way");
    expect(
      (JSON.parse(view.metadata.schemaString) as { fields: { name: string }[] }).fields.map((f) => f.name),
    ).toEqual(["export_date"]);
  });
});

describe("SharingService: query", () => {
  it("links every file, with its expiry, and audits one row per file with the recipient before answering", async () => {
    const { service, recipient, audited } = sharingFixture();
    const { view, actions } = await service.query(recipient("acme"), "traffic", "scheduled", "way", snapshot);
    expect(view.version).toBe(2);
    expect(actions).toHaveLength(3);
    for (const { file } of actions) {
      expect(file["url"]).toMatch(/^https:\/\/s3\.test\/exports\/dev\/2026\/11\/2[34]\/way\//);
      expect(file["expirationTimestamp"]).toBe(now + linkTtlMs);
    }
    expect(audited).toHaveLength(1);
    expect(audited[0]).toEqual(
      view.files.map((f) => ({
        recipient: "acme",
        share: "traffic",
        schema: "scheduled",
        table: "way",
        requestId: f.part.requestId,
        bucket: "exports",
        key: f.file.key,
        versionId: f.file.versionId,
        servedAt: now,
        linkExpiresAt: now + linkTtlMs,
      })),
    );
  });

  it("honours partition hints and limitHint, auditing only what it serves", async () => {
    const { service, recipient, audited } = sharingFixture();
    const { actions } = await service.query(recipient("acme"), "traffic", "scheduled", "way", {
      ...snapshot,
      predicateHints: ["export_date = '2026-11-24'"],
      limitHint: 1,
    });
    expect(actions.map((a) => a.file["partitionValues"])).toEqual([{ export_date: "2026-11-24" }]);
    expect(audited[0]?.map((f) => f.key)).toEqual(["dev/2026/11/24/way/data_0.parquet.b"]);
  });

  it("serves an on-demand export of a named caller", async () => {
    const { service, recipient, audited } = sharingFixture();
    const { actions } = await service.query(recipient("acme"), "adhoc", "on_demand", annWay, {
      ...snapshot,
      version: 0,
    });
    expect(actions).toHaveLength(1);
    expect(actions[0]?.file["partitionValues"]).toEqual({});
    expect(audited[0]?.[0]).toMatchObject({ requestId: ids.annWay, schema: "on_demand", table: annWay });
  });

  it("a version other than the current one is INVALID_PARAMETER_VALUE and serves nothing", async () => {
    const { service, recipient, audited } = sharingFixture();
    const error = await refusal(() =>
      service.query(recipient("acme"), "traffic", "scheduled", "way", { ...snapshot, version: 1 }),
    );
    expect(error.code).toBe("INVALID_PARAMETER_VALUE");
    expect(error.message).toContain("current version is 2");
    expect(audited).toEqual([]);
    await service.query(recipient("acme"), "traffic", "scheduled", "way", { ...snapshot, version: 2 });
    expect(audited).toHaveLength(1);
  });

  it("a file outside the exports is refused a link: INTERNAL_ERROR, and nothing is audited or served", async () => {
    const { service, recipient, audited, refusedLinks } = sharingFixture();
    const stray = onDemandTableName("way", ids.stray);
    const error = await refusal(() => service.query(recipient("acme"), "adhoc", "on_demand", stray, snapshot));
    expect([error.code, error.status]).toEqual(["INTERNAL_ERROR", 500]);
    expect(audited).toEqual([]);
    expect(refusedLinks).toEqual(["dev/x/data_0.parquet"]);
  });

  it("a failing audit fails the query (nothing is served unaudited)", async () => {
    const fixture = sharingFixture();
    const { SharingService } = await import("../src/sharing-service.js");
    const failing = new SharingService({
      config: () => fixture.config,
      catalog: fixture.catalog,
      columnsOf: () => Promise.resolve({ columns: [], comments: {} }),
      presign: (bucket, key) => Promise.resolve({ url: `https://s3.test/${bucket}/${key}`, expiresAt: now }),
      audit: () => Promise.reject(new Error("database down")),
      now: () => now,
      maxPage: 100,
    });
    await expect(failing.query(fixture.recipient("acme"), "traffic", "scheduled", "way", snapshot)).rejects.toThrow(
      "database down",
    );
  });
});
