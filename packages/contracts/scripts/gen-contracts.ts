/**
 * Generates src/generated/events.ts of this package from schemas/avro/*.avsc: one interface per Avro record, a
 * string-literal union per enum, the schema JSON and its fingerprint per event, the EventMap, and every previous
 * committed version of each schema (from git history) so consumers can still read events written with them.
 * `npm run gen:contracts` writes the file; test/generated/events.test.ts fails when it is stale.
 */
import { execFileSync } from "node:child_process";
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { schemaFingerprint } from "../src/fingerprint.js";

/** This package (packages/contracts): the script lives in its scripts/ folder. */
const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = path.resolve(packageDir, "../..");
export const schemaDir = path.join(repoRoot, "schemas/avro");
export const generatedFile = path.join(packageDir, "src/generated/events.ts");

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface SchemaFile {
  readonly file: string;
  readonly schema: JsonObject;
}

/** Earlier versions of each schema file (by file name), oldest first; the current version may be among them. */
export type SchemaHistory = Readonly<Record<string, readonly JsonObject[]>>;

interface NamedType {
  readonly fullName: string;
  readonly file: string;
  readonly schema: JsonObject;
}

const primitives: Readonly<Record<string, string>> = {
  null: "null",
  boolean: "boolean",
  int: "number",
  long: "number",
  float: "number",
  double: "number",
  bytes: "Uint8Array",
  string: "string",
};

export async function readSchemaFiles(dir: string = schemaDir): Promise<SchemaFile[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith(".avsc")).sort();
  return Promise.all(
    names.map(async (name) => ({
      file: name,
      schema: JSON.parse(await readFile(path.join(dir, name), "utf8")) as JsonObject,
    })),
  );
}

function git(...args: string[]): string {
  try {
    return execFileSync("git", args, {
      cwd: repoRoot,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 1 << 26,
    });
  } catch (cause) {
    throw new Error(
      `gen-contracts embeds previous schema versions from git history, which needs git and the repository's full ` +
        `history (git ${args.join(" ")} failed). Run it in a git clone with history (CI: fetch-depth 0).`,
      { cause },
    );
  }
}

/**
 * Every committed version of each schema file, oldest first, read with `git log` + `git show`. Refuses a shallow
 * clone: missing history would silently drop versions that events on the topics may still be written with.
 */
export function readSchemaHistory(files: readonly Pick<SchemaFile, "file">[], dir: string = schemaDir): SchemaHistory {
  if (git("rev-parse", "--is-shallow-repository").trim() === "true") {
    throw new Error("gen-contracts needs full git history, but this clone is shallow: git fetch --unshallow");
  }
  const history: Record<string, JsonObject[]> = {};
  for (const { file } of files) {
    const relative = path.relative(repoRoot, path.join(dir, file)).split(path.sep).join("/");
    // Only commits that leave a version of the file (not its deletion). Not `--diff-filter=d`: with a pathspec,
    // git 2.39 then lists nothing at all.
    const shas = git("log", "--format=%H", "--diff-filter=ACMRT", "--", relative).split("\n").filter(Boolean);
    history[file] = shas.reverse().map((sha) => {
      const text = git("show", `${sha}:${relative}`);
      try {
        return JSON.parse(text) as JsonObject;
      } catch (cause) {
        throw new Error(`${relative} at ${sha} is not valid JSON`, { cause });
      }
    });
  }
  return history;
}

function isObject(value: Json): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function fullNameOf(schema: JsonObject, enclosingNamespace: string): string {
  const name = stringProp(schema, "name");
  if (name.includes(".")) return name;
  const namespace = typeof schema["namespace"] === "string" ? schema["namespace"] : enclosingNamespace;
  return namespace ? `${namespace}.${name}` : name;
}

function stringProp(schema: JsonObject, key: string): string {
  const value = schema[key];
  if (typeof value !== "string") throw new Error(`expected a string "${key}" in ${JSON.stringify(schema)}`);
  return value;
}

function shortName(fullName: string): string {
  return fullName.slice(fullName.lastIndexOf(".") + 1);
}

function namespaceOf(fullName: string): string {
  return fullName.includes(".") ? fullName.slice(0, fullName.lastIndexOf(".")) : "";
}

/** Collects every named type (record, enum, fixed); a name defined in several files must be defined identically. */
function collectNamedTypes(files: readonly SchemaFile[]): Map<string, NamedType> {
  const named = new Map<string, NamedType>();
  const visit = (schema: Json, namespace: string, file: string): void => {
    if (Array.isArray(schema)) {
      for (const branch of schema) visit(branch, namespace, file);
      return;
    }
    if (!isObject(schema)) return;
    const type = schema["type"];
    if (type === "record" || type === "error" || type === "enum" || type === "fixed") {
      const fullName = fullNameOf(schema, namespace);
      const existing = named.get(fullName);
      if (existing) {
        if (JSON.stringify(existing.schema) !== JSON.stringify(schema)) {
          throw new Error(`${fullName} is defined differently in ${existing.file} and ${file}`);
        }
      } else {
        for (const other of named.values()) {
          if (shortName(other.fullName) === shortName(fullName)) {
            throw new Error(`${fullName} (${file}) and ${other.fullName} (${other.file}) share a TypeScript name`);
          }
        }
        named.set(fullName, { fullName, file, schema });
      }
      if (type === "record" || type === "error") {
        for (const field of (schema["fields"] ?? []) as Json[]) {
          if (isObject(field)) visit(field["type"] ?? null, namespaceOf(fullName), file);
        }
      }
      return;
    }
    if (type === "array") visit(schema["items"] ?? null, namespace, file);
    else if (type === "map") visit(schema["values"] ?? null, namespace, file);
    else if (type !== undefined && (isObject(type) || Array.isArray(type))) visit(type, namespace, file);
  };
  for (const { file, schema } of files) visit(schema, "", file);
  return named;
}

function tsType(schema: Json, namespace: string): string {
  if (typeof schema === "string") {
    const primitive = primitives[schema];
    if (primitive) return primitive;
    return shortName(schema.includes(".") || !namespace ? schema : `${namespace}.${schema}`);
  }
  if (Array.isArray(schema)) {
    // Null last reads as "T | null", the usual TypeScript spelling of an optional value.
    const branches = schema.map((branch) => tsType(branch, namespace));
    return [...branches.filter((b) => b !== "null"), ...branches.filter((b) => b === "null")].join(" | ");
  }
  if (!isObject(schema)) throw new Error(`unsupported schema ${JSON.stringify(schema)}`);
  const type = schema["type"] ?? null;
  switch (type) {
    case "record":
    case "error":
    case "enum":
    case "fixed":
      return shortName(fullNameOf(schema, namespace));
    case "array": {
      const items = tsType(schema["items"] ?? null, namespace);
      return `readonly ${items.includes(" ") ? `(${items})` : items}[]`;
    }
    case "map":
      return `Readonly<Record<string, ${tsType(schema["values"] ?? null, namespace)}>>`;
    default:
      // A primitive written as an object, possibly with a logical type (uuid, timestamp-millis): avsc decodes
      // logical types as their underlying type unless logical type classes are registered, and none are.
      return tsType(type, namespace);
  }
}

function jsDoc(doc: Json | undefined, indent: string): string {
  if (typeof doc !== "string" || doc === "") return "";
  return `${indent}/** ${doc.replaceAll("*/", "*\\/")} */\n`;
}

function renderNamedType({ fullName, schema }: NamedType): string {
  const name = shortName(fullName);
  const namespace = namespaceOf(fullName);
  switch (schema["type"]) {
    case "enum": {
      const symbols = (schema["symbols"] as string[]).map((symbol) => JSON.stringify(symbol));
      return (
        jsDoc(schema["doc"], "") +
        `export type ${name} = ${symbols.join(" | ")};\n\n` +
        `/** Symbols of ${name}, in schema order. */\n` +
        `export const ${name}Symbols = [${symbols.join(", ")}] as const;\n`
      );
    }
    case "fixed":
      return jsDoc(schema["doc"], "") + `export type ${name} = Uint8Array;\n`;
    default: {
      const fields = (schema["fields"] as JsonObject[]).map(
        (field) =>
          jsDoc(field["doc"], "  ") +
          `  readonly ${stringProp(field, "name")}: ${tsType(field["type"] ?? null, namespace)};\n`,
      );
      return jsDoc(schema["doc"], "") + `export interface ${name} {\n${fields.join("")}}\n`;
    }
  }
}

/** Distinct earlier versions of one schema by fingerprint, oldest first, without the current version. */
function previousVersions(versions: readonly JsonObject[], currentFingerprint: string): PreviousVersion[] {
  const seen = new Set<string>([currentFingerprint]);
  const previous: PreviousVersion[] = [];
  for (const schema of versions) {
    const fingerprint = schemaFingerprint(schema);
    if (seen.has(fingerprint)) continue;
    seen.add(fingerprint);
    previous.push({ fingerprint, schema });
  }
  return previous;
}

interface PreviousVersion {
  readonly fingerprint: string;
  readonly schema: JsonObject;
}

function indentJson(value: Json, indent: string): string {
  return JSON.stringify(value, null, 2).replaceAll("\n", `\n${indent}`);
}

/** Renders the generated module for the given schema files and their history (pure apart from avsc's hashing). */
export function generateContracts(files: readonly SchemaFile[], history: SchemaHistory): string {
  const named = collectNamedTypes(files);
  const events = files.map(({ file, schema }) => {
    if (schema["type"] !== "record") throw new Error(`${file}: top-level schema must be a record`);
    const fullName = fullNameOf(schema, "");
    if (`${shortName(fullName)}.avsc` !== file) throw new Error(`${file}: file name must match record name`);
    const fingerprint = schemaFingerprint(schema);
    const previous = previousVersions(history[file] ?? [], fingerprint);
    return { name: shortName(fullName), fullName, fingerprint, schema, previous };
  });
  const sortedTypes = [...named.values()].sort((a, b) => shortName(a.fullName).localeCompare(shortName(b.fullName)));

  const out: string[] = [
    "// Generated by scripts/gen-contracts.ts from schemas/avro/*.avsc: do not edit. Run `npm run gen:contracts`.\n",
    "\n",
  ];
  for (const type of sortedTypes) out.push(renderNamedType(type), "\n");

  out.push("/** Every event (top-level record of one schemas/avro file) by name. */\n");
  out.push("export interface EventMap {\n");
  for (const { name } of events) out.push(`  ${name}: ${name};\n`);
  out.push("}\n\n");
  out.push("export type EventName = keyof EventMap;\n\n");
  out.push("/** Event names in schema file order. */\n");
  out.push(`export const eventNames = [${events.map(({ name }) => JSON.stringify(name)).join(", ")}] as const;\n\n`);
  out.push("/** Full Avro name of each event (the `event-type` header). */\n");
  out.push("export const eventFullNames = {\n");
  for (const { name, fullName } of events) out.push(`  ${name}: ${JSON.stringify(fullName)},\n`);
  out.push("} as const satisfies Record<EventName, string>;\n\n");
  out.push("/** Hex SHA-256 of each schema's Parsing Canonical Form (the `schema-fingerprint` header). */\n");
  out.push("export const schemaFingerprints = {\n");
  for (const { name, fingerprint } of events) out.push(`  ${name}: ${JSON.stringify(fingerprint)},\n`);
  out.push("} as const satisfies Record<EventName, string>;\n\n");
  out.push("/** The Avro schema of each event, embedded so the package needs no file access at run time. */\n");
  out.push("export const schemas = {\n");
  for (const { name, schema } of events) out.push(`  ${name}: ${indentJson(schema, "  ")},\n`);
  out.push("} as const;\n\n");
  out.push("/**\n");
  out.push(
    " * Every earlier committed version of each event's schema (git history), oldest first, keyed by fingerprint:\n",
  );
  out.push(" * decodeEvent reads events written with them and resolves them to the current schema.\n");
  out.push(" */\n");
  out.push("export const previousSchemas: Readonly<\n");
  out.push("  Record<EventName, readonly { readonly fingerprint: string; readonly schema: unknown }[]>\n");
  out.push("> = {\n");
  for (const { name, previous } of events) {
    if (previous.length === 0) {
      out.push(`  ${name}: [],\n`);
      continue;
    }
    out.push(`  ${name}: [\n`);
    for (const { fingerprint, schema } of previous) {
      out.push("    {\n");
      out.push(`      fingerprint: ${JSON.stringify(fingerprint)},\n`);
      out.push(`      schema: ${indentJson(schema, "      ")},\n`);
      out.push("    },\n");
    }
    out.push("  ],\n");
  }
  out.push("};\n");
  return out.join("");
}

async function main(): Promise<void> {
  const files = await readSchemaFiles();
  const source = generateContracts(files, readSchemaHistory(files));
  await writeFile(generatedFile, source);
  process.stdout.write(`wrote ${path.relative(repoRoot, generatedFile)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
