import avsc from "avsc";

/** Outcome of checking that two versions of a schema can read each other's data. */
export interface CompatibilityResult {
  readonly compatible: boolean;
  /** One line per failed direction or sample, empty when compatible. */
  readonly problems: readonly string[];
}

export interface CompatibilityOptions {
  /** Random values written per direction to prove the resolver also reads real data. */
  readonly samples?: number;
}

function checkDirection(
  direction: string,
  reader: avsc.Type,
  writer: avsc.Type,
  samples: number,
  problems: string[],
): void {
  let resolver: avsc.Resolver;
  try {
    // avsc refuses here when the writer has enum symbols the reader lacks (and no default) or the reader has a
    // field without default the writer lacks: the schema-level rules of Avro resolution.
    resolver = reader.createResolver(writer);
  } catch (error) {
    problems.push(`${direction}: ${(error as Error).message}`);
    return;
  }
  for (let i = 0; i < samples; i++) {
    const value: unknown = writer.random();
    try {
      const read: unknown = reader.fromBuffer(writer.toBuffer(value), resolver);
      if (!reader.isValid(read)) problems.push(`${direction}: sample ${i} read as an invalid value`);
    } catch (error) {
      problems.push(`${direction}: sample ${i}: ${(error as Error).message}`);
      return;
    }
  }
}

/**
 * Full (backward and forward) compatibility of two schema versions: `current` reads data written with `previous`
 * and `previous` reads data written with `current`, both at schema level and on random sample values.
 */
export function checkSchemaCompatibility(
  previous: avsc.Schema,
  current: avsc.Schema,
  options: CompatibilityOptions = {},
): CompatibilityResult {
  const samples = options.samples ?? 20;
  const before = avsc.Type.forSchema(previous);
  const after = avsc.Type.forSchema(current);
  const problems: string[] = [];
  checkDirection("current reads previous (backward)", after, before, samples, problems);
  checkDirection("previous reads current (forward)", before, after, samples, problems);
  return { compatible: problems.length === 0, problems };
}
