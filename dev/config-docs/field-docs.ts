import { readFileSync } from "node:fs";
import ts from "typescript";

/** What the source says of one setting: its doc comment and, when not a literal, the text of its default. */
export interface FieldSource {
  readonly doc: string;
  /** The `.default(…)` argument as written, when it is computed (a host name, a temp dir): not the value here. */
  readonly computedDefault?: string;
}

const SETTING = /^[A-Z][A-Z0-9_]*$/;

/**
 * Reads the settings' doc comments from the files that declare them (object literal properties named like
 * environment variables), looked up in the order given: a service's own file first, then the shared ones. A
 * comment on a spread (`/** … *\/ ...awsEnv`) describes a group and is not kept here; the group's own properties
 * carry theirs.
 */
export function fieldSources(files: readonly string[]): Map<string, FieldSource> {
  const found = new Map<string, FieldSource>();
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node): void => {
      if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name) && SETTING.test(node.name.text)) {
        const name = node.name.text;
        const doc = docOf(node, source);
        const computed = computedDefaultOf(node.initializer, source);
        const known = found.get(name);
        if (known === undefined || (known.doc === "" && doc !== ""))
          found.set(name, { doc, ...(computed === undefined ? {} : { computedDefault: computed }) });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

function docOf(node: ts.Node, source: ts.SourceFile): string {
  const text = source.getFullText();
  const ranges = ts.getLeadingCommentRanges(text, node.getFullStart()) ?? [];
  const last = ranges.filter((r) => text.slice(r.pos, r.pos + 3) === "/**").at(-1);
  if (last === undefined) return "";
  return text
    .slice(last.pos + 3, last.end - 2)
    .split("\n")
    .map((line) => line.replace(/^\s*\*\s?/, "").trim())
    .filter(Boolean)
    .join(" ");
}

/** The argument of the chain's `.default(…)` when it is not a plain literal (or arithmetic of literals). */
function computedDefaultOf(initializer: ts.Expression, source: ts.SourceFile): string | undefined {
  let found: string | undefined;
  const visit = (node: ts.Node): void => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === "default" &&
      node.arguments[0] !== undefined &&
      !isLiteral(node.arguments[0])
    )
      found = node.arguments[0].getText(source);
    ts.forEachChild(node, visit);
  };
  visit(initializer);
  return found;
}

function isLiteral(node: ts.Expression): boolean {
  if (ts.isNumericLiteral(node) || ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return true;
  if (node.kind === ts.SyntaxKind.TrueKeyword || node.kind === ts.SyntaxKind.FalseKeyword) return true;
  if (ts.isArrayLiteralExpression(node)) return node.elements.every((e) => isLiteral(e));
  if (ts.isParenthesizedExpression(node)) return isLiteral(node.expression);
  if (ts.isPrefixUnaryExpression(node)) return isLiteral(node.operand);
  if (ts.isBinaryExpression(node)) return isLiteral(node.left) && isLiteral(node.right);
  return false;
}
