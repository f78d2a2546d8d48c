/**
 * A strict parser of the Prometheus text exposition format 0.0.4 (what prom-client serves), so tests read /metrics
 * as Prometheus would and a malformed line fails them instead of being skipped.
 * https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
 */

export type MetricType = "counter" | "gauge" | "histogram" | "summary" | "untyped";

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  readonly timestampMs?: number;
}

export interface MetricFamily {
  readonly name: string;
  readonly type: MetricType;
  readonly help?: string;
  readonly samples: readonly Sample[];
}

export class ExpositionError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = "ExpositionError";
  }
}

const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const types = new Set<MetricType>(["counter", "gauge", "histogram", "summary", "untyped"]);

interface OpenFamily {
  name: string;
  type: MetricType;
  help?: string;
  samples: Sample[];
  typed: boolean;
}

/** Parses a whole exposition; throws ExpositionError naming the first line that breaks the format. */
export function parsePrometheusText(text: string): MetricFamily[] {
  const families = new Map<string, OpenFamily>();
  const closed = new Set<string>();
  const series = new Set<string>();
  let current: OpenFamily | undefined;

  const open = (name: string, line: number): OpenFamily => {
    if (current?.name === name) return current;
    if (closed.has(name) || families.has(name)) {
      throw new ExpositionError(line, `the lines of ${name} are not all together`);
    }
    if (current !== undefined) closed.add(current.name);
    current = { name, type: "untyped", samples: [], typed: false };
    families.set(name, current);
    return current;
  };

  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === "") return;
    if (raw.startsWith("#")) {
      const match = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(raw);
      if (match === null) return; // any other comment
      const [, keyword, name = "", rest = ""] = match;
      if (!metricName.test(name)) throw new ExpositionError(line, `invalid metric name ${JSON.stringify(name)}`);
      const family = open(name, line);
      if (keyword === "HELP") {
        if (family.help !== undefined) throw new ExpositionError(line, `second HELP for ${name}`);
        family.help = unescape(rest, false, line);
      } else {
        const type = rest.trim() as MetricType;
        if (!types.has(type)) throw new ExpositionError(line, `unknown type ${JSON.stringify(rest)}`);
        if (family.typed) throw new ExpositionError(line, `second TYPE for ${name}`);
        if (family.samples.length > 0) throw new ExpositionError(line, `TYPE of ${name} after its samples`);
        family.type = type;
        family.typed = true;
      }
      return;
    }
    const sample = parseSample(raw, line);
    const family = open(familyOf(sample.name, current), line);
    checkSampleBelongs(family, sample, line);
    const key = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
    if (series.has(key)) throw new ExpositionError(line, `duplicate series ${sample.name}`);
    series.add(key);
    family.samples.push(sample);
  });
  return [...families.values()].map(({ name, type, help, samples }) => ({
    name,
    type,
    ...(help === undefined ? {} : { help }),
    samples,
  }));
}

/** A histogram's or summary's `_bucket`/`_sum`/`_count` samples belong to the family being read. */
function familyOf(sampleName: string, current: OpenFamily | undefined): string {
  if (current === undefined || sampleName === current.name) return sampleName;
  if (current.type === "histogram" || current.type === "summary") {
    const suffixes = current.type === "histogram" ? ["_bucket", "_sum", "_count"] : ["_sum", "_count"];
    if (suffixes.some((suffix) => sampleName === `${current.name}${suffix}`)) return current.name;
  }
  return sampleName;
}

function checkSampleBelongs(family: OpenFamily, sample: Sample, line: number): void {
  if (family.type === "histogram" && sample.name === `${family.name}_bucket` && sample.labels["le"] === undefined) {
    throw new ExpositionError(line, `bucket of ${family.name} without le`);
  }
  if (family.type === "histogram" && sample.name === family.name) {
    throw new ExpositionError(line, `histogram ${family.name} has a bare sample`);
  }
  if ((family.type === "counter" || family.type === "histogram") && sample.value < 0) {
    throw new ExpositionError(line, `negative ${family.type} sample ${sample.name}`);
  }
}

function parseSample(raw: string, line: number): Sample {
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(raw);
  if (nameMatch === null) throw new ExpositionError(line, `not a sample: ${JSON.stringify(raw)}`);
  const name = nameMatch[0];
  let rest = raw.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith("{")) {
    rest = rest.slice(1);
    for (;;) {
      rest = rest.trimStart();
      if (rest.startsWith("}")) break;
      const labelMatch = /^([^=\s]+)\s*=\s*"/.exec(rest);
      if (labelMatch === null) throw new ExpositionError(line, `malformed labels in ${JSON.stringify(raw)}`);
      const label = labelMatch[1] ?? "";
      if (!labelName.test(label)) throw new ExpositionError(line, `invalid label name ${JSON.stringify(label)}`);
      if (label in labels) throw new ExpositionError(line, `label ${label} twice`);
      rest = rest.slice(labelMatch[0].length);
      const end = closingQuote(rest);
      if (end < 0) throw new ExpositionError(line, `unterminated label value in ${JSON.stringify(raw)}`);
      labels[label] = unescape(rest.slice(0, end), true, line);
      rest = rest.slice(end + 1).trimStart();
      if (rest.startsWith(",")) rest = rest.slice(1);
      else if (!rest.startsWith("}")) throw new ExpositionError(line, `expected , or } in ${JSON.stringify(raw)}`);
    }
    rest = rest.slice(1);
  }
  if (!/^[ \t]/.test(rest)) throw new ExpositionError(line, `no value in ${JSON.stringify(raw)}`);
  const fields = rest.trim().split(/[ \t]+/);
  if (fields.length > 2) throw new ExpositionError(line, `trailing text in ${JSON.stringify(raw)}`);
  const value = parseValue(fields[0] ?? "", line);
  if (fields[1] === undefined) return { name, labels, value };
  if (!/^-?\d+$/.test(fields[1])) throw new ExpositionError(line, `invalid timestamp ${JSON.stringify(fields[1])}`);
  return { name, labels, value, timestampMs: Number(fields[1]) };
}

/** As Prometheus reads it (Go's ParseFloat): special values in any case, so prom-client's `Nan` too. */
function parseValue(text: string, line: number): number {
  const special = /^([+-]?)(nan|inf|infinity)$/i.exec(text);
  if (special !== null) {
    if (special[2]?.toLowerCase() === "nan") return Number.NaN;
    return special[1] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) {
    throw new ExpositionError(line, `invalid value ${JSON.stringify(text)}`);
  }
  return Number(text);
}

/** Index of the first quote not escaped by a backslash, or -1. */
function closingQuote(text: string): number {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

/** HELP escapes `\\` and `\n`; label values also `\"`. Any other escape is an error. */
function unescape(text: string, quotes: boolean, line: number): string {
  return text.replace(/\\(.?)/g, (_, next: string) => {
    if (next === "\\") return "\\";
    if (next === "n") return "\n";
    if (next === '"' && quotes) return '"';
    throw new ExpositionError(line, `invalid escape \\${next}`);
  });
}

/** One scrape of a /metrics endpoint, parsed. */
export class MetricsScrape {
  readonly #samples: Map<string, Sample[]>;

  constructor(readonly families: readonly MetricFamily[]) {
    this.#samples = new Map();
    for (const family of families) {
      for (const sample of family.samples) {
        this.#samples.set(sample.name, [...(this.#samples.get(sample.name) ?? []), sample]);
      }
    }
  }

  family(name: string): MetricFamily | undefined {
    return this.families.find((f) => f.name === name);
  }

  /** Samples of one series name whose labels include `labels`. */
  samples(name: string, labels: Readonly<Record<string, string>> = {}): Sample[] {
    return (this.#samples.get(name) ?? []).filter((s) =>
      Object.entries(labels).every(([label, value]) => s.labels[label] === value),
    );
  }

  /** Sum of those samples; 0 when there are none (a labelled series that never moved). */
  value(name: string, labels: Readonly<Record<string, string>> = {}): number {
    return this.samples(name, labels).reduce((sum, s) => sum + s.value, 0);
  }
}

/** GETs `<healthUrl>/metrics`, checks it is the Prometheus text format and parses it. */
export async function scrapeMetrics(healthUrl: string, timeoutMs = 5_000): Promise<MetricsScrape> {
  const response = await fetch(`${healthUrl}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`${healthUrl}/metrics answered ${response.status}: ${body}`);
  const type = response.headers.get("content-type") ?? "";
  if (!type.startsWith("text/plain; version=0.0.4")) {
    throw new Error(`${healthUrl}/metrics is not the Prometheus text format (content-type ${type})`);
  }
  return new MetricsScrape(parsePrometheusText(body));
}
