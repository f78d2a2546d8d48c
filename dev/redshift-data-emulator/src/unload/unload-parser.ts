import { notEmulated, redshiftMessage, StatementError, syntaxError } from "../errors.js";
import { hasOuterLimit, isKeyword, SqlLexError, tokenize, type Token } from "../sql-lexer.js";

const MB = 1024 * 1024;
const GB = 1024 * MB;
/** Redshift's bounds of MAXFILESIZE (and its default), and of ROWGROUPSIZE. */
export const MIN_FILE_BYTES = 5 * MB;
export const MAX_FILE_BYTES = Math.round(6.2 * GB);
const MIN_ROW_GROUP_BYTES = 32 * MB;
const MAX_ROW_GROUP_BYTES = 128 * MB;

export interface UnloadStatement {
  /** The SELECT, with the literal's quoting resolved (what Redshift runs). */
  readonly query: string;
  /** The TO location as written. */
  readonly to: string;
  readonly bucket: string;
  /** Key prefix every file name starts with (may be empty or end with "/"). */
  readonly prefix: string;
  /** IAM_ROLE: "default" or the role chain, in order. */
  readonly iamRole: "default" | readonly string[];
  readonly manifest: "none" | "manifest" | "verbose";
  readonly parallel: boolean;
  readonly maxFileBytes: number;
  /** ROWGROUPSIZE as given (validated, recorded; the emulator sizes row groups by rows). */
  readonly rowGroupBytes: number | undefined;
  /** Extension appended to each data file name, with its dot ("parquet" unless EXTENSION says otherwise). */
  readonly extension: string;
  readonly allowOverwrite: boolean;
  readonly cleanPath: boolean;
  readonly region: string | undefined;
}

/** Options Redshift accepts only for text formats: with PARQUET they are an error, as in Redshift. */
const textOnlyOptions = [
  "DELIMITER",
  "FIXEDWIDTH",
  "ADDQUOTES",
  "ESCAPE",
  "NULL",
  "HEADER",
  "GZIP",
  "BZIP2",
  "ZSTD",
] as const;

class Cursor {
  #i = 0;
  constructor(private readonly tokens: readonly Token[]) {}
  peek(offset = 0): Token | undefined {
    return this.tokens[this.#i + offset];
  }
  next(): Token | undefined {
    const token = this.tokens[this.#i];
    this.#i += 1;
    return token;
  }
  /** Consumes the keyword if it comes next. */
  accept(word: string): boolean {
    if (!isKeyword(this.peek(), word)) return false;
    this.#i += 1;
    return true;
  }
  expectKeyword(word: string): void {
    if (!this.accept(word)) throw unexpected(this.peek());
  }
  expectPunct(text: string): void {
    const token = this.next();
    if (token?.kind !== "punct" || token.text !== text) throw unexpected(token);
  }
  expectString(): string {
    const token = this.next();
    if (token?.kind !== "string") throw unexpected(token);
    return token.value;
  }
  expectNumber(): number {
    const token = this.next();
    if (token?.kind !== "number") throw unexpected(token);
    return Number(token.text);
  }
}

const unexpected = (token: Token | undefined): StatementError => syntaxError(token?.text);

const invalid = (message: string): StatementError => new StatementError("INVALID_UNLOAD", redshiftMessage(message));

/** `<number> [MB | GB]`, MB when no unit is given. */
function readSize(cursor: Cursor): number {
  const amount = cursor.expectNumber();
  if (cursor.accept("GB")) return amount * GB;
  cursor.accept("MB");
  return amount * MB;
}

/** Splits `s3://bucket/prefix`; Redshift accepts only s3:// locations. */
function parseLocation(to: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/s.exec(to);
  if (match?.[1] === undefined) throw invalid(`Invalid S3 location "${to}": UNLOAD writes to s3://bucket/name-prefix`);
  return { bucket: match[1], prefix: match[2] ?? "" };
}

/**
 * Parses an UNLOAD statement as Redshift documents it (UNLOAD ('select-statement') TO 's3://object-path/name-prefix'
 * authorization [option ...]), options in any order. Refuses, with Redshift-style messages, what Redshift refuses
 * (PARQUET with text options, CLEANPATH with ALLOWOVERWRITE, MAXFILESIZE out of 5 MB to 6.2 GB, a LIMIT in the outer
 * SELECT, no authorization) and, naming the option, what the emulator does not do (text, CSV and JSON formats,
 * PARTITION BY, encryption, access keys).
 */
export function parseUnload(sql: string): UnloadStatement {
  let tokens: Token[];
  try {
    tokens = tokenize(sql);
  } catch (error) {
    if (error instanceof SqlLexError) throw new StatementError("SYNTAX", redshiftMessage(error.message));
    throw error;
  }
  const cursor = new Cursor(tokens);
  cursor.expectKeyword("UNLOAD");
  cursor.expectPunct("(");
  const query = cursor.expectString();
  cursor.expectPunct(")");
  cursor.expectKeyword("TO");
  const to = cursor.expectString();

  const seen = new Set<string>();
  const once = (option: string, token: Token | undefined): void => {
    if (seen.has(option))
      throw invalid(`conflicting or redundant options: ${option} given twice near "${token?.text}"`);
    seen.add(option);
  };
  let format: string | undefined;
  let iamRole: "default" | string[] | undefined;
  let manifest: UnloadStatement["manifest"] = "none";
  let parallel = true;
  let maxFileBytes: number | undefined;
  let rowGroupBytes: number | undefined;
  let extension: string | undefined;
  let allowOverwrite = false;
  let cleanPath = false;
  let region: string | undefined;
  const textOptions: string[] = [];

  for (;;) {
    const token = cursor.peek();
    if (token === undefined) break;
    if (token.kind === "punct" && token.text === ";") {
      cursor.next();
      if (cursor.peek() !== undefined) throw unexpected(cursor.peek());
      break;
    }
    if (token.kind !== "word") throw unexpected(token);
    const word = token.text.toUpperCase();
    cursor.next();
    switch (word) {
      case "IAM_ROLE": {
        once(word, token);
        if (cursor.accept("DEFAULT")) iamRole = "default";
        else
          iamRole = cursor
            .expectString()
            .split(",")
            .map((role) => role.trim());
        break;
      }
      case "FORMAT":
        cursor.accept("AS");
        format = readFormat(cursor, once);
        break;
      case "PARQUET":
      case "CSV":
      case "JSON":
        once("FORMAT", token);
        format = word;
        break;
      case "MANIFEST":
        once(word, token);
        manifest = cursor.accept("VERBOSE") ? "verbose" : "manifest";
        break;
      case "PARALLEL": {
        once(word, token);
        if (cursor.accept("OFF") || cursor.accept("FALSE")) parallel = false;
        else if (cursor.accept("ON") || cursor.accept("TRUE")) parallel = true;
        break;
      }
      case "MAXFILESIZE":
        once(word, token);
        cursor.accept("AS");
        maxFileBytes = readSize(cursor);
        break;
      case "ROWGROUPSIZE":
        once(word, token);
        cursor.accept("AS");
        rowGroupBytes = readSize(cursor);
        break;
      case "EXTENSION":
        once(word, token);
        extension = cursor.expectString();
        break;
      case "ALLOWOVERWRITE":
        once(word, token);
        allowOverwrite = true;
        break;
      case "CLEANPATH":
        once(word, token);
        cleanPath = true;
        break;
      case "REGION":
        once(word, token);
        cursor.accept("AS");
        region = cursor.expectString();
        break;
      case "PARTITION":
        throw notEmulated("UNLOAD ... PARTITION BY");
      case "ENCRYPTED":
      case "KMS_KEY_ID":
      case "MASTER_SYMMETRIC_KEY":
        throw notEmulated(`UNLOAD ... ${word}`);
      case "ACCESS_KEY_ID":
      case "SECRET_ACCESS_KEY":
      case "SESSION_TOKEN":
      case "CREDENTIALS":
      case "WITH":
        throw notEmulated(`UNLOAD authorization by ${word === "WITH" ? "CREDENTIALS" : word} (use IAM_ROLE)`);
      default: {
        const textOption = textOnlyOptions.find((o) => o === word);
        if (textOption === undefined) throw unexpected(token);
        once(word, token);
        textOptions.push(word);
        // Skip the option's argument ([AS] 'value') so the rest still parses.
        cursor.accept("AS");
        if (cursor.peek()?.kind === "string") cursor.next();
      }
    }
  }

  if (iamRole === undefined)
    throw invalid("UNLOAD needs an authorization: IAM_ROLE { default | 'arn:aws:iam::<account>:role/<name>' }");
  if (format === undefined || format !== "PARQUET") {
    throw notEmulated(
      `UNLOAD to ${format ?? "pipe-delimited text (no FORMAT)"}; the emulator writes FORMAT PARQUET only`,
    );
  }
  const [firstTextOption] = textOptions;
  if (firstTextOption !== undefined) throw invalid(`PARQUET format can't be used with ${firstTextOption}`);
  if (cleanPath && allowOverwrite) throw invalid("CLEANPATH can't be used with ALLOWOVERWRITE");
  if (maxFileBytes !== undefined && (maxFileBytes < MIN_FILE_BYTES || maxFileBytes > MAX_FILE_BYTES)) {
    throw invalid("MAXFILESIZE must be between 5 MB and 6.2 GB");
  }
  if (rowGroupBytes !== undefined && (rowGroupBytes < MIN_ROW_GROUP_BYTES || rowGroupBytes > MAX_ROW_GROUP_BYTES)) {
    throw invalid("ROWGROUPSIZE must be between 32 MB and 128 MB");
  }
  const innerTokens = tokenizeQuery(query);
  if (innerTokens.length === 0) throw invalid("UNLOAD needs a query");
  if (hasOuterLimit(innerTokens)) throw invalid("Limit clause is not supported in the outer SELECT of UNLOAD");
  const { bucket, prefix } = parseLocation(to);
  return {
    query: query.replace(/[\s;]+$/, ""),
    to,
    bucket,
    prefix,
    iamRole,
    manifest,
    parallel,
    maxFileBytes: maxFileBytes ?? MAX_FILE_BYTES,
    rowGroupBytes,
    extension: `.${(extension ?? "parquet").replace(/^\./, "")}`,
    allowOverwrite,
    cleanPath,
    region,
  };
}

function readFormat(cursor: Cursor, once: (option: string, token: Token | undefined) => void): string {
  const token = cursor.next();
  const word = token?.kind === "word" ? token.text.toUpperCase() : undefined;
  if (word !== "PARQUET" && word !== "CSV" && word !== "JSON") throw unexpected(token);
  once("FORMAT", token);
  return word;
}

function tokenizeQuery(query: string): Token[] {
  try {
    return tokenize(query);
  } catch (error) {
    if (error instanceof SqlLexError) throw new StatementError("SYNTAX", redshiftMessage(error.message));
    throw error;
  }
}
