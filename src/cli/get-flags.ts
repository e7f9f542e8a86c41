/** Flags shared by `get`, `list` and `status`: -o json|yaml, -w, --timeout DURATION. */
import * as yaml from 'js-yaml';
import { parseDuration } from '../api/duration.js';
import { UserError } from './command.js';

export type OutputFormat = 'text' | 'json' | 'yaml';

export function parseOutputFormat(verb: string, value: string | undefined): OutputFormat {
  if (value === undefined || value === 'text' || value === 'wide') return 'text';
  if (value === 'json' || value === 'yaml') return value;
  throw new UserError(`${verb}: -o takes json or yaml, not "${value}"`);
}

/** `--timeout 5m` (Go-style or whole seconds) in ms; undefined when absent. */
export function parseTimeoutMs(verb: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = parseDuration(value);
  if (!parsed.ok) throw new UserError(`${verb}: --timeout ${parsed.message}`);
  return parsed.ms;
}

/** A value as JSON or YAML text, ending with a newline. */
export function formatStructured(value: unknown, format: 'json' | 'yaml'): string {
  return format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : yaml.dump(value, { noRefs: true, lineWidth: -1 });
}
