export { runCli, buildProgram, exitCodeHelp, type ProgramDeps } from "./program.js";
export { exitCodes, exitCodeOfError, exitCodeOfStatus, isTerminal, type ExitCode } from "./exit-codes.js";
export { parseInstant, parseSince, parseWindow } from "./time.js";
export { renderStatus } from "./render/progress.js";
export { CliError, type CliErrorCode } from "./errors.js";
