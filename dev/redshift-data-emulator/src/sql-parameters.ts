import { tokenize } from "./sql-lexer.js";

export interface SqlParameter {
  readonly name: string;
  readonly value: string;
}

export interface BoundSql {
  /** The text with each `:name` replaced by a PostgreSQL placeholder `$n`. */
  readonly text: string;
  /** Values of `$1`, `$2`, ... as text: PostgreSQL converts them to the type the context needs, as Redshift does. */
  readonly values: readonly string[];
  /** Names this statement references. */
  readonly used: ReadonlySet<string>;
}

/**
 * Binds the Data API's named parameters: every `:name` outside literals, quoted identifiers and comments whose name
 * was given becomes `$n` (one placeholder per name). `::` casts are never parameters, and a `:x` whose name was not
 * given is left alone (an array slice `a[1:n]`, or a typo PostgreSQL then reports).
 */
export function bindParameters(sql: string, parameters: readonly SqlParameter[]): BoundSql {
  const given = new Map(parameters.map((p) => [p.name, p.value]));
  if (given.size === 0) return { text: sql, values: [], used: new Set() };
  const tokens = tokenize(sql);
  const placeholders = new Map<string, number>();
  const values: string[] = [];
  let text = "";
  let copied = 0;
  for (let i = 0; i < tokens.length - 1; i += 1) {
    const colon = tokens[i];
    const name = tokens[i + 1];
    if (colon === undefined || name === undefined) continue;
    if (colon.kind !== "punct" || colon.text !== ":" || name.start !== colon.end) continue;
    if (name.kind !== "word" && name.kind !== "number") continue;
    const value = given.get(name.text);
    if (value === undefined) continue;
    let index = placeholders.get(name.text);
    if (index === undefined) {
      values.push(value);
      index = values.length;
      placeholders.set(name.text, index);
    }
    text += `${sql.slice(copied, colon.start)}$${index}`;
    copied = name.end;
    i += 1;
  }
  text += sql.slice(copied);
  return { text, values, used: new Set(placeholders.keys()) };
}
