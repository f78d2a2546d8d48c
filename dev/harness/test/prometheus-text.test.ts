import { describe, expect, it } from "@jest/globals";
import { Counter, Histogram, Registry } from "prom-client";
import { ExpositionError, MetricsScrape, parsePrometheusText } from "../prometheus-text.js";

describe("parsePrometheusText", () => {
  it("reads families, types, help, labels (with escapes), histograms and special values", () => {
    const families = parsePrometheusText(
      [
        "# HELP jobs_total Jobs done.\\nSecond line with a \\\\ backslash.",
        "# TYPE jobs_total counter",
        'jobs_total{status="ok",path="a\\"b\\\\c\\nd"} 3',
        'jobs_total{status="failed",} 1e3 1712322000000',
        "# a free comment",
        "# TYPE took_seconds histogram",
        'took_seconds_bucket{le="1"} 1',
        'took_seconds_bucket{le="+Inf"} 2',
        "took_seconds_sum 3.5",
        "took_seconds_count 2",
        "temperature NaN",
        "limit -Inf",
        "lag Nan",
        "",
      ].join("\n"),
    );
    expect(families.map((f) => [f.name, f.type, f.samples.length])).toEqual([
      ["jobs_total", "counter", 2],
      ["took_seconds", "histogram", 4],
      ["temperature", "untyped", 1],
      ["limit", "untyped", 1],
      ["lag", "untyped", 1],
    ]);
    expect(families[0]?.help).toBe("Jobs done.\nSecond line with a \\ backslash.");
    expect(families[0]?.samples[0]?.labels).toEqual({ status: "ok", path: 'a"b\\c\nd' });
    expect(families[0]?.samples[1]).toEqual({
      name: "jobs_total",
      labels: { status: "failed" },
      value: 1000,
      timestampMs: 1712322000000,
    });
    expect(families[1]?.samples[1]).toEqual({ name: "took_seconds_bucket", labels: { le: "+Inf" }, value: 2 });
    expect(families[2]?.samples[0]?.value).toBeNaN();
    expect(families[3]?.samples[0]?.value).toBe(Number.NEGATIVE_INFINITY);
    // prom-client writes NaN as "Nan"; Prometheus reads special values in any case.
    expect(families[4]?.samples[0]?.value).toBeNaN();
  });

  it.each([
    ["a value that is not a number", "x 1O"],
    ["a misspelt special value", "x Infinit"],
    ["no value", "x"],
    ["trailing text", "x 1 2 3"],
    ["an invalid metric name", "1x 1"],
    ["an invalid label name", 'x{1a="v"} 1'],
    ["an unterminated label value", 'x{a="v} 1'],
    ["an unquoted label value", "x{a=v} 1"],
    ["a label twice", 'x{a="1",a="2"} 1'],
    ["an unknown escape", 'x{a="\\t"} 1'],
    ["an unknown type", "# TYPE x counters"],
    ["a second TYPE", "# TYPE x gauge\n# TYPE x gauge"],
    ["TYPE after samples", "x 1\n# TYPE x gauge"],
    ["a family split in two", 'x 1\ny 1\nx{a="b"} 2'],
    ["a duplicate series", 'x{a="1"} 1\nx{a="1"} 2'],
    ["a bucket without le", "# TYPE h histogram\nh_bucket 1"],
    ["a negative counter", "# TYPE c_total counter\nc_total -1"],
    ["an invalid timestamp", "x 1 soon"],
  ])("rejects %s", (_, text) => {
    expect(() => parsePrometheusText(text)).toThrow(ExpositionError);
  });

  it("reads what prom-client serves", async () => {
    const registry = new Registry();
    const counter = new Counter({ name: "c_total", help: 'with "quotes"', labelNames: ["l"], registers: [registry] });
    counter.inc({ l: 'a "quoted"\nvalue' }, 2);
    new Histogram({ name: "h_seconds", help: "h", buckets: [0.1, 1], registers: [registry] }).observe(0.5);
    const scrape = new MetricsScrape(parsePrometheusText(await registry.metrics()));
    expect(scrape.value("c_total", { l: 'a "quoted"\nvalue' })).toBe(2);
    expect(scrape.value("h_seconds_count")).toBe(1);
    expect(scrape.value("h_seconds_bucket", { le: "0.1" })).toBe(0);
    expect(scrape.value("h_seconds_bucket", { le: "1" })).toBe(1);
    expect(scrape.family("h_seconds")?.type).toBe("histogram");
    expect(scrape.value("absent_total")).toBe(0);
  });
});
