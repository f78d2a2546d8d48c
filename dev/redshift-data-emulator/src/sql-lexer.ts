/**
 * A small lexer of Redshift SQL text: enough to find the statement's first keyword, `:name` parameters, an UNLOAD's
 * parts and an outer LIMIT, without ever looking inside string literals, quoted identifiers or comments.
 */

export type TokenKind = "word" | "string" | "ident" | "number" | "punct";

export interface Token {
  readonly kind: TokenKind;
  /** The token as written. */
  readonly text: string;
  /** A string literal's value (quotes and escapes resolved), a quoted identifier's name, else the text. */
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

export class SqlLexError extends Error {
  override readonly name = "SqlLexError";
  /** Offset in the text where the problem starts. */
  readonly at: number;
  constructor(message: string, at: number) {
    super(message);
    this.at = at;
  }
}

const wordStart = /[\p{L}_]/u;
const wordPart = /[\p{L}\p{N}_$]/u;
const digit = /[0-9]/;
const simpleEscapes: Record<string, string> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

/** One backslash escape at `i` (the backslash): the character it stands for and how many characters it took. */
function readEscape(sql: string, i: number): { char: string; length: number } {
  const octal = /^[0-7]{1,3}/.exec(sql.slice(i + 1, i + 4));
  if (octal !== null) return { char: String.fromCharCode(parseInt(octal[0], 8)), length: 1 + octal[0].length };
  const hex = /^x([0-9a-fA-F]{1,2})/.exec(sql.slice(i + 1, i + 4));
  if (hex?.[1] !== undefined) return { char: String.fromCharCode(parseInt(hex[1], 16)), length: 1 + hex[0].length };
  const next = sql[i + 1] ?? "";
  return { char: simpleEscapes[next] ?? next, length: 2 };
}

/**
 * Reads a quoted token starting at `start` (its opening quote), a doubled quote standing for one. In a single-quoted
 * literal Redshift, like PostgreSQL before 9.1, also reads a backslash as an escape (`\'`, `\\`, `\n`, octal `\101`,
 * hex `\x41`); its regular expression documentation asks for two backslashes for one for that reason. Quoted
 * identifiers have no escapes.
 */
function readQuoted(sql: string, start: number, kind: "string" | "identifier"): { value: string; end: number } {
  const quote = kind === "string" ? "'" : '"';
  let value = "";
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i] as string;
    if (c === quote && sql[i + 1] === quote) {
      value += quote;
      i += 2;
    } else if (c === quote) {
      return { value, end: i + 1 };
    } else if (c === "\\" && kind === "string" && i + 1 < sql.length) {
      const escape = readEscape(sql, i);
      value += escape.char;
      i += escape.length;
    } else {
      value += c;
      i += 1;
    }
  }
  throw new SqlLexError(kind === "string" ? "unterminated quoted string" : "unterminated quoted identifier", start);
}

/** End offset of the comment starting at `start`, or undefined when no comment starts there. */
function skipComment(sql: string, start: number): number | undefined {
  if (sql.startsWith("--", start)) {
    const newline = sql.indexOf("\n", start);
    return newline === -1 ? sql.length : newline + 1;
  }
  if (sql.startsWith("/*", start)) {
    // Block comments nest, as in PostgreSQL.
    let depth = 0;
    let i = start;
    while (i < sql.length) {
      if (sql.startsWith("/*", i)) {
        depth += 1;
        i += 2;
      } else if (sql.startsWith("*/", i)) {
        depth -= 1;
        i += 2;
        if (depth === 0) return i;
      } else i += 1;
    }
    throw new SqlLexError("unterminated /* comment", start);
  }
  return undefined;
}

/** `$tag$...$tag$` (function bodies); undefined when `$` does not open a dollar quote (e.g. `$1`). */
function readDollarQuote(sql: string, start: number): { value: string; end: number } | undefined {
  const tag = /^\$([\p{L}_][\p{L}\p{N}_]*)?\$/u.exec(sql.slice(start));
  if (tag === null) return undefined;
  const close = sql.indexOf(tag[0], start + tag[0].length);
  if (close === -1) throw new SqlLexError("unterminated dollar-quoted string", start);
  return { value: sql.slice(start + tag[0].length, close), end: close + tag[0].length };
}

/** Tokens of `sql`, comments and white space left out. Throws SqlLexError on an unterminated literal or comment. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, start: number, end: number, value?: string): void => {
    const text = sql.slice(start, end);
    tokens.push({ kind, text, value: value ?? text, start, end });
    i = end;
  };
  while (i < sql.length) {
    const c = sql[i] as string;
    if (/\s/.test(c)) {
      i += 1;
      continue;
    }
    const commentEnd = skipComment(sql, i);
    if (commentEnd !== undefined) {
      i = commentEnd;
      continue;
    }
    if (c === "'") {
      const s = readQuoted(sql, i, "string");
      push("string", i, s.end, s.value);
    } else if (c === '"') {
      const q = readQuoted(sql, i, "identifier");
      push("ident", i, q.end, q.value);
    } else if (c === "$") {
      const d = readDollarQuote(sql, i);
      if (d === undefined) push("punct", i, i + 1);
      else push("string", i, d.end, d.value);
    } else if (digit.test(c) || (c === "." && digit.test(sql[i + 1] ?? ""))) {
      const n = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(sql.slice(i));
      push("number", i, i + (n?.[0].length ?? 1));
    } else if (wordStart.test(c)) {
      let end = i + 1;
      while (end < sql.length && wordPart.test(sql[end] as string)) end += 1;
      push("word", i, end);
    } else if (c === ":" && sql[i + 1] === ":") {
      push("punct", i, i + 2);
    } else {
      push("punct", i, i + 1);
    }
  }
  return tokens;
}

/** True when the token is the keyword `word` (case-insensitive; a quoted identifier is never a keyword). */
export function isKeyword(token: Token | undefined, word: string): boolean {
  return token?.kind === "word" && token.text.toUpperCase() === word;
}

/** The statement's first keyword, upper-cased ("SELECT", "UNLOAD", ...), or undefined for an empty text. */
export function firstKeyword(sql: string): string | undefined {
  const [first] = tokenize(sql);
  return first?.kind === "word" ? first.text.toUpperCase() : undefined;
}

/** True when the query has a LIMIT clause outside every parenthesis (UNLOAD refuses those). */
export function hasOuterLimit(tokens: readonly Token[]): boolean {
  let depth = 0;
  for (const token of tokens) {
    if (token.kind === "punct" && token.text === "(") depth += 1;
    else if (token.kind === "punct" && token.text === ")") depth -= 1;
    else if (depth === 0 && isKeyword(token, "LIMIT")) return true;
  }
  return false;
}
