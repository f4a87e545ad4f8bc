/**
 * log — the Node hosts' logger type: Redis's log levels ('.' debug, '-' verbose, '*' notice,
 * '#' warning) and a default that prints warnings to stderr. The CLI passes its own (Redis-style lines).
 */

export type LogLevel = '.' | '-' | '*' | '#';
export type Logger = (level: LogLevel, message: string) => void;

export const stderrLog: Logger = (level, message) => {
  if (level === '#') process.stderr.write(`# ${message}\n`);
};
