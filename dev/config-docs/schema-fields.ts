import type { z } from "zod";

/** One setting as its schema defines it. */
export interface SchemaField {
  readonly name: string;
  readonly required: boolean;
  /** The default as a value, when the schema has one. */
  readonly default?: unknown;
  /** number, integer, string, boolean, url, one of …, list, … */
  readonly type: string;
}

interface Def {
  readonly type: string;
  readonly innerType?: Schema;
  readonly in?: Schema;
  readonly out?: Schema;
  readonly defaultValue?: unknown;
  readonly entries?: Record<string, string>;
  readonly format?: string;
  readonly checks?: readonly { _zod: { def: { check?: string; format?: string } } }[];
  readonly shape?: Record<string, Schema>;
}
interface Schema {
  readonly _zod: { readonly def: Def };
}

/** The settings of an environment schema (a zod object, refined or not), in declaration order. */
export function schemaFields(schema: z.ZodType): SchemaField[] {
  const shape = (schema as unknown as Schema)._zod.def.shape;
  if (shape === undefined) throw new TypeError("not an object schema");
  return Object.entries(shape).map(([name, field]) => describeField(name, field));
}

function describeField(name: string, field: Schema): SchemaField {
  let required = true;
  let fallback: { value: unknown } | undefined;
  let node: Schema | undefined = field;
  let type = "string";
  while (node !== undefined) {
    const def: Def = node._zod.def;
    if (def.type === "optional") required = false;
    else if (def.type === "default") {
      required = false;
      fallback ??= { value: def.defaultValue };
    } else if (def.type === "pipe") {
      // A coerced or transformed input: what the environment holds is the pipe's input.
      node = def.in;
      continue;
    } else {
      type = typeName(def);
      break;
    }
    node = def.innerType;
  }
  return { name, required, type, ...(fallback === undefined ? {} : { default: fallback.value }) };
}

function typeName(def: Def): string {
  if (def.type === "enum") {
    const values = Object.values(def.entries ?? {});
    const flag = values.includes("true") && values.every((v) => ["true", "false", "1", "0", "yes", "no"].includes(v));
    return flag ? "boolean" : `one of ${values.join(", ")}`;
  }
  if (def.type === "number") return def.checks?.some((c) => c._zod.def.format === "safeint") ? "integer" : "number";
  if (def.type === "string" && def.format === "url") return "URL";
  return def.type;
}
