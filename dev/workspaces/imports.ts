/** Which packages a workspace's production sources import, so each can be checked against its package.json. */
import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, relative } from "node:path";
import ts from "typescript";

export interface PackageImport {
  /** The package name: `pg`, `@aws-sdk/client-s3` (a deep path `@scope/pkg/sub` counts as `@scope/pkg`). */
  readonly packageName: string;
  /** File relative to the workspace. */
  readonly file: string;
  /** `import type` / `export type`: erased from the JavaScript, so not needed at run time. */
  readonly typeOnly: boolean;
}

const builtins = new Set(builtinModules);

/** The package a bare specifier names, or undefined for relative paths and Node built-ins. */
export function packageNameOf(specifier: string): string | undefined {
  if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("node:")) return undefined;
  const parts = specifier.split("/");
  const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier);
  return builtins.has(name) ? undefined : name;
}

/** Every module specifier in a TypeScript source: static and dynamic imports, re-exports, `import.meta.resolve`. */
export function importsOfSource(text: string, fileName = "source.ts"): { specifier: string; typeOnly: boolean }[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: { specifier: string; typeOnly: boolean }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((element) => element.isTypeOnly)));
      found.push({ specifier: node.moduleSpecifier.text, typeOnly });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (ts.isCallExpression(node) && node.arguments.length > 0) {
      const [argument] = node.arguments;
      const isDynamicImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isMetaResolve =
        ts.isPropertyAccessExpression(node.expression) &&
        node.expression.name.text === "resolve" &&
        ts.isMetaProperty(node.expression.expression);
      if ((isDynamicImport || isMetaResolve) && argument !== undefined && ts.isStringLiteralLike(argument)) {
        found.push({ specifier: argument.text, typeOnly: false });
      }
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      found.push({ specifier: node.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|mts)$/.test(entry.name) && !/\.d\.ts$|\.test\.ts$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The packages imported by the files under `<workspaceDir>/src` (what `npm run build` compiles and ships). */
export function packageImports(workspaceDir: string): PackageImport[] {
  return sourceFiles(join(workspaceDir, "src")).flatMap((file) =>
    importsOfSource(readFileSync(file, "utf8"), file).flatMap(({ specifier, typeOnly }) => {
      const packageName = packageNameOf(specifier);
      return packageName === undefined ? [] : [{ packageName, file: relative(workspaceDir, file), typeOnly }];
    }),
  );
}
