export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFields = Record<string, unknown>;

/** Structured logger: one JSON object per line with `level`, `time`, `msg` and bound fields. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` (e.g. `{ rollout, namespace, revision }`) to every line. */
  child(fields: LogFields): Logger;
  isLevelEnabled(level: LogLevel): boolean;
}

export interface LoggerOptions {
  /** Lines below this level are dropped (default `info`). */
  level?: LogLevel;
  /** Receives each finished line without a trailing newline (default: process.stdout). */
  sink?: (line: string) => void;
  /** Epoch milliseconds for the `time` field (default `Date.now`). */
  now?: () => number;
  /** Fields bound to every line. */
  fields?: LogFields;
}

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

function levelRank(level: LogLevel): number {
  return LOG_LEVELS.indexOf(level);
}

/** Errors become `{ name, message, stack }`; bigint becomes a string; cycles become "[Circular]". */
function makeReplacer(): (key: string, value: unknown) => unknown {
  const seen = new WeakSet<object>();
  return (_key, value) => {
    if (value instanceof Error) {
      return { name: value.name, message: value.message, stack: value.stack };
    }
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'object' && value !== null) {
      if (seen.has(value)) return '[Circular]';
      seen.add(value);
    }
    return value;
  };
}

/** Builds one log line; reserved keys (level, time, msg) always win over fields. */
export function formatLogLine(level: LogLevel, timeMs: number, msg: string, fields: LogFields): string {
  const record = { ...fields, level, time: new Date(timeMs).toISOString(), msg };
  return JSON.stringify(record, makeReplacer());
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const minRank = levelRank(options.level ?? 'info');
  const sink = options.sink ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const now = options.now ?? (() => Date.now());
  const bound = options.fields ?? {};
  const isLevelEnabled = (level: LogLevel): boolean => levelRank(level) >= minRank;
  const write = (level: LogLevel) => (msg: string, fields?: LogFields) => {
    if (!isLevelEnabled(level)) return;
    sink(formatLogLine(level, now(), msg, { ...bound, ...fields }));
  };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    isLevelEnabled,
    child: (fields) =>
      createLogger({ level: options.level, sink, now, fields: { ...bound, ...fields } }),
  };
}

/** A logger that drops everything (for tests that do not look at logs). */
export function createSilentLogger(): Logger {
  return createLogger({ level: 'error', sink: () => undefined });
}
