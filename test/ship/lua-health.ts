/** Runs examples/argocd/health.lua with Lua 5.4 on a Rollout object, as Argo CD does (global `obj`). */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './chart-fixture.js';

export const healthScript = join(repoRoot, 'examples', 'argocd', 'health.lua');

function luaString(text: string): string {
  const escaped = [...text].map((ch) => {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\' || ch === '"') return `\\${ch}`;
    if (code < 0x20 || code > 0x7e) return `\\u{${code.toString(16)}}`;
    return ch;
  });
  return `"${escaped.join('')}"`;
}

/** A JSON value as a Lua table constructor (arrays 1-indexed, null dropped as Lua has no null). */
export function toLuaLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'string') return luaString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `{${value.map(toLuaLiteral).join(', ')}}`;
  const fields = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `[${luaString(k)}] = ${toLuaLiteral(v)}`);
  return `{${fields.join(', ')}}`;
}

export interface HealthStatus {
  status: string;
  message: string;
}

export function runHealthCheck(obj: unknown): Promise<HealthStatus> {
  const program = [
    `obj = ${toLuaLiteral(obj)}`,
    `local hs = dofile(${luaString(healthScript)})`,
    'io.write(tostring(hs.status), "\\n", tostring(hs.message))',
  ].join('\n');
  return new Promise((resolve, reject) => {
    const child = execFile('lua5.4', ['-'], { timeout: 10_000 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`lua5.4 failed: ${stderr.trim() || error.message}`));
        return;
      }
      const [status = '', ...message] = stdout.split('\n');
      resolve({ status, message: message.join('\n') });
    });
    child.stdin?.end(program);
  });
}
