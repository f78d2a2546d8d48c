/**
 * Which AWS operations a service can call, read from its source: the files its main.ts reaches through runtime
 * imports (workspace packages included), the SDK commands constructed there (`new XxxCommand(` of an
 * `@aws-sdk/client-*` import, lib-storage's `Upload`), and, per command, whether the function or method that
 * constructs it is called by the service at all (a method called anywhere in the reachable code by name counts:
 * this errs towards granting, never towards a call the policy forgets).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** One AWS API operation, e.g. { service: "s3", operation: "PutObject" }. */
export interface AwsOperation {
  readonly service: string;
  readonly operation: string;
  /** Where it is constructed: file (repository-relative) and enclosing function or method. */
  readonly file: string;
  readonly within: string;
}

interface ImportedName {
  readonly name: string;
  readonly from: string;
}

/** Runtime imports and re-exports of a file (type-only ones bring no code). */
export function runtimeImports(source: string): string[] {
  const specifiers: string[] = [];
  const statement = /^(?:import|export)\s+(type\s+)?([^;]*?)\s+from\s+"([^"]+)";?/gms;
  for (const match of source.matchAll(statement)) if (match[1] === undefined) specifiers.push(match[3] ?? "");
  for (const match of source.matchAll(/^import\s+"([^"]+)";/gm)) specifiers.push(match[1] ?? "");
  for (const match of source.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g)) specifiers.push(match[1] ?? "");
  return specifiers;
}

/** The names a file imports from each module, as written (`{ A, B as C }` → A, C). */
function importedNames(source: string): ImportedName[] {
  const names: ImportedName[] = [];
  for (const match of source.matchAll(/^import\s+(?!type\s)([^;]*?)\s+from\s+"([^"]+)";?/gms)) {
    const clause = match[1] ?? "";
    const from = match[2] ?? "";
    const braces = /\{([^}]*)\}/s.exec(clause)?.[1] ?? "";
    for (const part of braces.split(",")) {
      const [, local] = /^\s*(?:type\s+)?\w+(?:\s+as\s+(\w+))?\s*$/.exec(part) ?? [];
      const name = local ?? part.replace(/^\s*(?:type\s+)?/, "").trim();
      if (name && !/^type\s/.test(part.trim())) names.push({ name, from });
    }
  }
  return names;
}

/** A workspace import ("@data-exporter/x") or a relative one, resolved to the TypeScript file; npm modules: none. */
function resolveImport(root: string, fromFile: string, specifier: string): string | undefined {
  if (specifier.startsWith("@data-exporter/")) {
    const name = specifier.slice("@data-exporter/".length);
    const entry = join(root, "packages", name, "src", "index.ts");
    return existsSync(entry) ? entry : undefined;
  }
  if (!specifier.startsWith(".")) return undefined;
  const base = resolve(dirname(fromFile), specifier);
  for (const candidate of [base.replace(/\.js$/, ".ts"), `${base}.ts`, join(base, "index.ts")])
    if (existsSync(candidate)) return candidate;
  return undefined;
}

/** Every file of the repository the entry point reaches through runtime imports, the entry included. */
export function reachableFiles(root: string, entry: string): string[] {
  const seen = new Set<string>([entry]);
  const queue = [entry];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    for (const specifier of runtimeImports(readFileSync(file, "utf8"))) {
      const target = resolveImport(root, file, specifier);
      if (target !== undefined && !seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return [...seen].sort();
}

/** A function or method declaration line: its name (class members at one indentation level). */
const declaration = [
  /^(?:export\s+)?(?:async\s+)?function\s*\*?\s*(\w+)\s*[<(]/,
  /^ {2}(?:(?:public|private|protected|static|override|readonly|async)\s+)*(#?\w+)\s*(?:<[^>]*>)?\(/,
  /^(?:export\s+)?const\s+(\w+)\s*=\s*(?:async\s*)?(?:\([^)]*\)|\w+)\s*(?::[^=]+)?=>/,
];

interface Member {
  readonly name: string;
  /** The class it is a member of; none for a top-level function. */
  readonly className: string | undefined;
  readonly body: string;
  readonly operations: { service: string; operation: string }[];
}

/** The file's top-level functions and class members with the SDK operations each constructs. */
function membersOf(source: string): Member[] {
  const imports = importedNames(source);
  const sdkOf = (name: string): string | undefined => {
    const from = imports.find((i) => i.name === name)?.from;
    if (from?.startsWith("@aws-sdk/client-")) return from.slice("@aws-sdk/client-".length);
    if (from === "@aws-sdk/lib-storage" && name === "Upload") return "s3";
    return undefined;
  };
  const members: { name: string; className: string | undefined; lines: string[] }[] = [
    { name: "(module)", className: undefined, lines: [] },
  ];
  let className: string | undefined;
  for (const line of source.split("\n")) {
    const classStart = /^(?:export\s+)?(?:abstract\s+)?class\s+(\w+)/.exec(line)?.[1];
    if (classStart !== undefined) className = classStart;
    else if (/^\S/.test(line) && !/^[}\]/]/.test(line)) className = undefined;
    const name = declaration.map((d) => d.exec(line)?.[1]).find((n) => n !== undefined);
    if (name !== undefined && !["if", "for", "while", "switch", "catch", "return"].includes(name))
      members.push({ name, className, lines: [] });
    members.at(-1)?.lines.push(line);
  }
  return members.map(({ name, className, lines }) => {
    const body = lines.join("\n");
    const operations = [...body.matchAll(/\bnew\s+(\w+)\s*\(/g)].flatMap((match) => {
      const constructed = match[1] ?? "";
      const service = sdkOf(constructed);
      if (service === undefined) return [];
      // lib-storage's Upload is a multipart upload: its own operation name here (see iam-actions.ts).
      if (constructed === "Upload") return [{ service, operation: "Upload" }];
      return constructed.endsWith("Command") ? [{ service, operation: constructed.slice(0, -"Command".length) }] : [];
    });
    return { name, className, body, operations };
  });
}

const escape = (text: string): string => text.replace(/[#$]/g, "\\$&");
/**
 * Whether `text` calls the member: a method as `.name(` (`this.#name(`), a top-level function as `name(` too (an
 * interface's `name(): T;` declares, it does not call).
 */
const calls = (text: string, member: Pick<Member, "name" | "className">): boolean =>
  new RegExp(
    `${member.className === undefined ? "(?:\\.|(?<![\\w.#]))" : "\\."}${escape(member.name)}\\s*(?:<[^>()]*>)?\\(`,
  ).test(text);

/**
 * The AWS operations the service whose entry point is `entry` can call. A construction counts when its enclosing
 * member is called from another reachable file, or from a member of its own file that counts (module-level code
 * always counts).
 */
export function awsOperationsOf(root: string, entry: string): AwsOperation[] {
  const files = reachableFiles(root, entry);
  const sources = new Map(files.map((file) => [file, readFileSync(file, "utf8")]));
  const found: AwsOperation[] = [];
  for (const file of files) {
    const members = membersOf(sources.get(file) ?? "");
    if (!members.some((m) => m.operations.length > 0)) continue;
    // Imports and re-exports name things without using them (a package's index.ts re-exports everything).
    const elsewhere = files
      .filter((f) => f !== file)
      .map((f) => (sources.get(f) ?? "").replace(/^(?:import|export)\s[^;]*?\sfrom\s+"[^"]+";?/gms, ""))
      .join("\n");
    // A class's methods run only where the class is used (constructed, or a static called) outside its file.
    const classUsed = (name: string | undefined): boolean =>
      name === undefined || new RegExp(`\\b${name}\\b`).test(elsewhere);
    const used = new Set<string>(["(module)"]);
    for (const member of members)
      if (!member.name.startsWith("#") && classUsed(member.className) && calls(elsewhere, member))
        used.add(member.name);
    // Members called from used members of the same file, until nothing changes.
    for (let grew = true; grew;) {
      grew = false;
      for (const member of members)
        if (!used.has(member.name) && members.some((m) => used.has(m.name) && m !== member && calls(m.body, member))) {
          used.add(member.name);
          grew = true;
        }
    }
    const relative = file.slice(root.length + 1);
    for (const member of members)
      if (used.has(member.name))
        for (const op of member.operations) found.push({ ...op, file: relative, within: member.name });
  }
  return found;
}
