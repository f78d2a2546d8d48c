/** Where commands write: stdout carries results (one JSON document with --json), stderr carries messages. */
export interface Output {
  /** A line of the result on stdout. */
  out(line: string): void;
  /** A message for the person at the terminal, on stderr. */
  err(line: string): void;
  /** Whether stdout is a terminal: progress is then redrawn in place. */
  readonly interactive: boolean;
}

export function json(output: Output, value: unknown): void {
  output.out(JSON.stringify(value));
}

export const streamOutput = (stdout: NodeJS.WriteStream, stderr: NodeJS.WriteStream): Output => ({
  out: (line) => void stdout.write(`${line}\n`),
  err: (line) => void stderr.write(`${line}\n`),
  interactive: stdout.isTTY,
});
