const levels: Record<number, string> = { 10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL" };
const skipped = new Set(["level", "time", "pid", "hostname", "name", "service", "msg"]);

/** One readable line per JSON log record: time, service, level, message, then its attributes. */
export function formatLogLine(service: string, line: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return `${service.padEnd(15)} ${line}`;
  }
  const time = typeof record.time === "string" ? record.time.slice(11, 19) : "";
  const level = levels[Number(record.level)] ?? "INFO";
  const attributes = Object.entries(record)
    .filter(([key]) => !skipped.has(key))
    .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(" ");
  return `${time} ${service.padEnd(15)} ${level.padEnd(5)} ${typeof record.msg === "string" ? record.msg : ""}${attributes ? `  ${attributes}` : ""}`;
}
