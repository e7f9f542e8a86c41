/**
 * Summarises a V8 CPU profile (`.cpuprofile`, from `node --cpu-prof`): the share of samples by
 * module (node_modules package, node: internal file, our dist/ file) and by function. Used for the
 * controller's profiles in bench/notes.md:
 *   KANARY_CONTROLLER_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench scale
 *   node scripts/run-ts.mjs bench/profile-summary.ts /tmp/prof/CPU.*.0.001.cpuprofile [top]
 * (KANARY_CLI_UNBUNDLED=1 runs the compiled modules, whose function names are not minified.)
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function shortUrl(url: string): string {
  return url.replace(/^file:\/\/.*?\/(dist|src|node_modules)\//, '$1/');
}

function moduleOf(frame: ProfileNode['callFrame']): string {
  const url = shortUrl(frame.url);
  if (url === '') return frame.functionName || '(native)';
  if (url.startsWith('node_modules/')) {
    const parts = url.split('/');
    return parts.slice(0, parts[1]?.startsWith('@') ? 3 : 2).join('/');
  }
  if (url.startsWith('node:')) return url.replace(/^node:(internal\/)?/, 'node:').split('/')[0] ?? url;
  return url;
}

function share(map: Map<string, number>, total: number, top: number): string[] {
  return [...map].sort((a, b) => b[1] - a[1]).slice(0, top).map(([key, us]) => `${((us / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
}

export function summarise(profile: CpuProfile, top = 20): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const byModule = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    const us = profile.timeDeltas[i] ?? 0;
    if (!frame) return;
    total += us;
    const mod = moduleOf(frame);
    byModule.set(mod, (byModule.get(mod) ?? 0) + us);
    const fn = `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  });
  const idle = byModule.get('(idle)') ?? 0;
  return [
    `${(total / 1e6).toFixed(1)} s sampled, ${((total - idle) / 1e6).toFixed(1)} s busy`,
    'by module:', ...share(byModule, total, top),
    'by function:', ...share(byFunction, total, top),
  ].join('\n');
}

if (process.argv[1]?.endsWith('profile-summary.ts')) {
  const [file, top] = process.argv.slice(2);
  if (!file) throw new Error('usage: profile-summary.ts FILE.cpuprofile [top]');
  console.log(summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, Number(top ?? 20)));
}
