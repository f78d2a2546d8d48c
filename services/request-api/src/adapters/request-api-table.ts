import { isSchemaName, type PgPool } from "@data-exporter/postgres";
import { RequestApiError } from "../domain/errors.js";

/** A table request-api owns in the state database: its qualified name, and store errors as STORE_FAILED. */
export abstract class RequestApiTable {
  protected readonly table: string;

  constructor(
    protected readonly pool: PgPool,
    protected readonly schema: string,
    name: string,
  ) {
    if (!isSchemaName(schema))
      throw new RequestApiError("STORE_FAILED", `invalid schema name ${JSON.stringify(schema)}`);
    this.table = `"${schema}".${name}`;
  }

  protected async run<T>(what: string, query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } catch (error) {
      throw new RequestApiError("STORE_FAILED", `${what} failed`, { cause: error });
    }
  }
}
