import type { Presign } from "@data-exporter/export-links";
import { SharingError } from "./domain/errors.js";
import type { ExportCatalog, ExportedPart } from "./domain/exported-tables.js";
import { pageOf, type Page, type PageRequest } from "./domain/pagination.js";
import type { QueryRequest } from "./domain/query-request.js";
import {
  onDemandSchema,
  onDemandTableName,
  parseOnDemandTableName,
  scheduledSchema,
  schemasOf,
  sharesOnDemandOf,
  sharesScheduledTable,
  stableId,
  type SchemaName,
} from "./domain/share-layout.js";
import type { Recipient, ShareConfig, SharingConfig } from "./domain/sharing-config.js";
import {
  fileAction,
  filesForQuery,
  onDemandTableView,
  scheduledTableView,
  type TableColumns,
  type TableView,
} from "./domain/table-view.js";

/** One file a recipient was given a link to. */
export interface ServedFile {
  readonly recipient: string;
  readonly share: string;
  readonly schema: string;
  readonly table: string;
  readonly requestId: string;
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string | null;
  readonly servedAt: number;
  readonly linkExpiresAt: number;
}

export interface SharingDeps {
  /** The shares and recipients in force. */
  readonly config: () => SharingConfig;
  readonly catalog: ExportCatalog;
  /** The exported schema of a completed table (its manifest's). */
  readonly columnsOf: (part: ExportedPart) => Promise<TableColumns>;
  /** Confined to the export bucket and prefix: undefined for anything else. */
  readonly presign: Presign;
  /** Records files served; a query whose files cannot be recorded fails (nothing is served unaudited). */
  readonly audit: (files: readonly ServedFile[]) => Promise<void>;
  readonly now: () => number;
  /** Most items a list returns in one page. */
  readonly maxPage: number;
}

export interface ShareItem {
  readonly name: string;
  readonly id: string;
  readonly comment?: string;
}
export interface SchemaItem {
  readonly name: string;
  readonly share: string;
}
export interface TableItem {
  readonly name: string;
  readonly schema: string;
  readonly share: string;
  readonly shareId: string;
  readonly id: string;
}

/** The Delta Sharing read path over the exports, per recipient: what the HTTP routes call. */
export class SharingService {
  constructor(private readonly deps: SharingDeps) {}

  listShares(recipient: Recipient, page: PageRequest): Page<ShareItem> {
    const granted = this.deps.config().shares.filter((share) => recipient.shares.includes(share.name));
    return pageOf(granted.map(shareItem), (s) => s.name, page, this.deps.maxPage);
  }

  getShare(recipient: Recipient, share: string): ShareItem {
    return shareItem(this.#share(recipient, share));
  }

  listSchemas(recipient: Recipient, share: string, page: PageRequest): Page<SchemaItem> {
    const config = this.#share(recipient, share);
    return pageOf(
      schemasOf(config).map((name) => ({ name, share })),
      (s) => s.name,
      page,
      this.deps.maxPage,
    );
  }

  async listTables(recipient: Recipient, share: string, schema: string, page: PageRequest): Promise<Page<TableItem>> {
    const config = this.#share(recipient, share);
    const tables = await this.#tablesOf(config, this.#schema(config, schema));
    return pageOf(tables, (t) => t.name, page, this.deps.maxPage);
  }

  async listAllTables(recipient: Recipient, share: string, page: PageRequest): Promise<Page<TableItem>> {
    const config = this.#share(recipient, share);
    const tables = (await Promise.all(schemasOf(config).map((schema) => this.#tablesOf(config, schema)))).flat();
    return pageOf(tables, (t) => `${t.schema}\u0000${t.name}`, page, this.deps.maxPage);
  }

  async tableVersion(recipient: Recipient, share: string, schema: string, table: string): Promise<number> {
    return (await this.#table(recipient, share, schema, table)).version;
  }

  async tableMetadata(recipient: Recipient, share: string, schema: string, table: string): Promise<TableView> {
    return this.#table(recipient, share, schema, table);
  }

  /**
   * The query's files with links, each recorded as served to the recipient before any is returned. A `version`
   * other than the current one is refused: earlier versions' files are not kept as they were.
   */
  async query(
    recipient: Recipient,
    share: string,
    schema: string,
    table: string,
    request: QueryRequest,
  ): Promise<{ view: TableView; actions: { file: Record<string, unknown> }[] }> {
    const view = await this.#table(recipient, share, schema, table);
    if (request.version !== undefined && request.version !== view.version)
      throw new SharingError(
        "INVALID_PARAMETER_VALUE",
        `version ${request.version} cannot be read: history is not shared, the current version is ${view.version}`,
      );
    const files = filesForQuery(view.files, request, request.limitHint);
    const servedAt = this.deps.now();
    const linked = await Promise.all(
      files.map(async (f) => {
        const link = await this.deps.presign(f.part.bucket, f.file.key, f.file.versionId, servedAt);
        if (link === undefined)
          throw new SharingError("INTERNAL_ERROR", `a file of ${table} is outside the exports; nothing was served`);
        return { f, link };
      }),
    );
    await this.deps.audit(
      linked.map(({ f, link }) => ({
        recipient: recipient.name,
        share,
        schema,
        table,
        requestId: f.part.requestId,
        bucket: f.part.bucket,
        key: f.file.key,
        versionId: f.file.versionId,
        servedAt,
        linkExpiresAt: link.expiresAt,
      })),
    );
    return { view, actions: linked.map(({ f, link }) => fileAction(f, link.url, link.expiresAt)) };
  }

  /** The share, if the recipient may read it: unknown → 404, not granted → 403. */
  #share(recipient: Recipient, name: string): ShareConfig {
    const share = this.deps.config().shares.find((s) => s.name === name);
    if (share === undefined) throw new SharingError("RESOURCE_DOES_NOT_EXIST", `share ${name} does not exist`);
    if (!recipient.shares.includes(name))
      throw new SharingError("PERMISSION_DENIED", `share ${name} is not shared with recipient ${recipient.name}`);
    return share;
  }

  #schema(share: ShareConfig, name: string): SchemaName {
    const schema = schemasOf(share).find((s) => s === name);
    if (schema === undefined)
      throw new SharingError("RESOURCE_DOES_NOT_EXIST", `schema ${name} does not exist in share ${share.name}`);
    return schema;
  }

  /**
   * The schema of the newest export that wrote files (an export of no rows writes none, and no schema); undefined
   * when that export's files have no single schema (the classification snapshot: several tables' files in one
   * folder), which no Delta table can describe.
   */
  async #newestColumns(parts: readonly ExportedPart[]): Promise<TableColumns | undefined> {
    const withFiles = [...parts].filter((part) => part.files.length > 0).sort(newestFirst);
    const newest = withFiles[0];
    if (newest === undefined) return { columns: [], comments: {} };
    const columns = await this.deps.columnsOf(newest);
    return columns.columns.length > 0 ? columns : undefined;
  }

  /** Whether a scheduled table can be shared: its newest files have one schema. */
  async #isSingleSchema(table: string): Promise<boolean> {
    return (await this.#newestColumns((await this.deps.catalog.scheduledTable(table)).parts)) !== undefined;
  }

  async #tablesOf(share: ShareConfig, schema: SchemaName): Promise<TableItem[]> {
    const item = (name: string): TableItem => ({
      name,
      schema,
      share: share.name,
      shareId: stableId(`share:${share.name}`),
      id: stableId(`${schema}:${name}`),
    });
    if (schema === scheduledSchema) {
      const shared = (await this.deps.catalog.scheduledTables()).filter((t) => sharesScheduledTable(share, t));
      const single = await Promise.all(shared.map((t) => this.#isSingleSchema(t)));
      return shared.filter((_, i) => single[i]).map(item);
    }
    const entries = await this.deps.catalog.onDemandEntries(share.onDemand?.requestedBy ?? []);
    return entries
      .filter((entry) => sharesOnDemandOf(share, entry.requestedBy))
      .map((entry) => item(onDemandTableName(entry.table, entry.requestId)));
  }

  async #table(recipient: Recipient, shareName: string, schemaName: string, name: string): Promise<TableView> {
    const share = this.#share(recipient, shareName);
    const schema = this.#schema(share, schemaName);
    const missing = new SharingError(
      "RESOURCE_DOES_NOT_EXIST",
      `table ${name} does not exist in ${shareName}.${schemaName}`,
    );
    const id = stableId(`${schema}:${name}`);
    if (schema === onDemandSchema) {
      const parsed = parseOnDemandTableName(name);
      if (parsed === undefined) throw missing;
      const found = await this.deps.catalog.onDemandPart(parsed.requestId, parsed.table);
      // Another caller's export is as absent as one that does not exist.
      if (found === undefined || !sharesOnDemandOf(share, found.requestedBy)) throw missing;
      return onDemandTableView(id, name, found.part, await this.deps.columnsOf(found.part));
    }
    if (!sharesScheduledTable(share, name)) throw missing;
    const { parts, version } = await this.deps.catalog.scheduledTable(name);
    const columns = parts.length === 0 ? undefined : await this.#newestColumns(parts);
    if (columns === undefined) throw missing;
    return scheduledTableView(id, name, parts, version, columns);
  }
}

const shareItem = (share: ShareConfig): ShareItem => ({
  name: share.name,
  id: stableId(`share:${share.name}`),
  ...(share.comment === undefined ? {} : { comment: share.comment }),
});

const newestFirst = (a: ExportedPart, b: ExportedPart): number =>
  (b.exportDate ?? "").localeCompare(a.exportDate ?? "") || b.finishedAt - a.finishedAt;
