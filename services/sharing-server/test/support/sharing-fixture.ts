import { confinedPresign } from "@data-exporter/export-links";
import type { ExportedColumn } from "../../src/domain/delta-schema.js";
import type { ExportedPart } from "../../src/domain/exported-tables.js";
import { tokenSha256 } from "../../src/domain/recipient-auth.js";
import { parseSharingConfig, type Recipient, type SharingConfig } from "../../src/domain/sharing-config.js";
import type { TableColumns } from "../../src/domain/table-view.js";
import { SharingService, type ServedFile } from "../../src/sharing-service.js";
import { exportedFile, exportedPart, MemoryCatalog } from "./memory-catalog.js";

export const now = Date.UTC(2026, 11, 3, 12);
export const linkTtlMs = 3_600_000;

const long = (name: string): ExportedColumn => ({
  name,
  physicalType: "INT64",
  logicalType: null,
  convertedType: "INT_64",
  precision: null,
  scale: null,
  nullable: true,
});

export const ids = {
  annWay: "11111111-2222-4333-8444-555555555555",
  bobWay: "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee",
  stray: "99999999-8888-4777-8666-555555555555",
};

/**
 * Shares, recipients and exports every service and HTTP test reads: `traffic` (scheduled way and
 * traffic_observation), `adhoc` (ann's on-demand exports), `everything` (both, of everyone); recipients acme
 * (traffic, adhoc), globex (everything), initech (expired).
 */
export function sharingFixture() {
  const config: SharingConfig = parseSharingConfig(
    {
      shares: [
        { name: "traffic", comment: "road data", scheduled: { tables: ["way", "traffic_observation"] } },
        { name: "adhoc", onDemand: { requestedBy: ["ann@example.com"] } },
        { name: "everything", scheduled: { tables: "*" }, onDemand: { requestedBy: "*" } },
      ],
      recipients: [
        {
          name: "acme",
          tokenSha256: tokenSha256("acme-token"),
          expiresAt: "2027-06-01T00:00:00Z",
          shares: ["traffic", "adhoc"],
        },
        {
          name: "globex",
          tokenSha256: tokenSha256("globex-token"),
          expiresAt: "2027-06-01T00:00:00Z",
          shares: ["everything"],
        },
        {
          name: "initech",
          tokenSha256: tokenSha256("initech-token"),
          expiresAt: "2026-12-01T00:00:00Z",
          shares: ["traffic"],
        },
      ],
    },
    "fixture",
  );
  const recipient = (name: string): Recipient => {
    const found = config.recipients.find((r) => r.name === name);
    if (found === undefined) throw new Error(`no recipient ${name}`);
    return found;
  };

  const catalog = new MemoryCatalog()
    .addScheduled(
      exportedPart({
        requestId: "r-23",
        table: "way",
        exportDate: "2026-11-23",
        files: [exportedFile("dev/2026/11/23/way/data_0.parquet", 10)],
      }),
    )
    .addScheduled(
      exportedPart({
        requestId: "r-24",
        table: "way",
        exportDate: "2026-11-24",
        files: [exportedFile("dev/2026/11/24/way/data_0.parquet", 20)],
      }),
    )
    // A re-export of 2026-11-24: the table's third completed export, so version 2, and its files replace the first's.
    .addScheduled(
      exportedPart({
        requestId: "r-24b",
        table: "way",
        exportDate: "2026-11-24",
        files: [
          exportedFile("dev/2026/11/24/way/data_0.parquet.b", 20),
          exportedFile("dev/2026/11/24/way/data_1.parquet.b", 5),
        ],
      }),
    )
    .addScheduled(
      exportedPart({
        requestId: "r-23",
        table: "traffic_observation",
        exportDate: "2026-11-23",
        files: [exportedFile("dev/2026/11/23/traffic_observation/data_0.parquet", 7)],
      }),
    )
    .addScheduled(
      exportedPart({
        requestId: "r-23",
        table: "secret_table",
        exportDate: "2026-11-23",
        files: [exportedFile("dev/2026/11/23/secret_table/data_0.parquet", 1)],
      }),
    )
    .addOnDemand(
      exportedPart({
        requestId: ids.annWay,
        table: "way",
        files: [exportedFile(`dev/on-demand/${ids.annWay}/way/data_0.parquet`, 3)],
      }),
      "ann@example.com",
    )
    .addOnDemand(
      exportedPart({
        requestId: ids.bobWay,
        table: "way",
        files: [exportedFile(`dev/on-demand/${ids.bobWay}/way/data_0.parquet`, 4)],
      }),
      "bob@example.com",
    )
    // A row that names an object outside the export bucket: no link may be made for it.
    .addOnDemand(
      exportedPart({
        requestId: ids.stray,
        table: "way",
        bucket: "elsewhere",
        files: [exportedFile("dev/x/data_0.parquet", 1)],
      }),
      "ann@example.com",
    );

  const columnsByRequest = new Map<string, TableColumns>([
    ["r-23", { columns: [long("id")], comments: {} }],
    ["r-24", { columns: [long("id"), long("old_only")], comments: {} }],
    ["r-24b", { columns: [long("id"), long("lanes")], comments: { lanes: "how many lanes" } }],
  ]);
  const columnsRead: string[] = [];
  const columnsOf = (part: ExportedPart): Promise<TableColumns> => {
    columnsRead.push(part.requestId);
    return Promise.resolve(columnsByRequest.get(part.requestId) ?? { columns: [long("id")], comments: {} });
  };

  const audited: ServedFile[][] = [];
  const refusedLinks: string[] = [];
  const service = new SharingService({
    config: () => config,
    catalog,
    columnsOf,
    // The real confinement around a signer that needs no S3: links only inside bucket "exports", prefix "dev/".
    presign: confinedPresign(
      (bucket, key, versionId, signedAt) =>
        Promise.resolve({
          url: `https://s3.test/${bucket}/${key}?versionId=${versionId ?? ""}&signedAt=${signedAt}`,
          expiresAt: signedAt + linkTtlMs,
        }),
      { bucket: "exports", prefix: "dev/" },
      (refused) => refusedLinks.push(refused.key),
    ),
    audit: (files) => {
      audited.push([...files]);
      return Promise.resolve();
    },
    now: () => now,
    maxPage: 100,
  });
  return { config, recipient, catalog, columnsByRequest, columnsRead, audited, refusedLinks, service };
}
