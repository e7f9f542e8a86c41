/**
 * There is no Docker engine here, so the Dockerfile's structure is checked: pinned Node base of the
 * supported major, multi-stage (dev dependencies only in the build stage), non-root numeric USER,
 * exec-form entrypoint `kanary controller`, OCI labels, and a .dockerignore that keeps local
 * builds out of the context.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandRegistry } from '../../src/cli/command-registry.js';
import { repoRoot } from './chart-fixture.js';

interface Instruction {
  op: string;
  args: string;
}

interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

/** Instructions with `\` continuations joined and comments dropped; ARGs before FROM resolved. */
function parseDockerfile(text: string): { args: Record<string, string>; stages: Stage[] } {
  const joined = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of joined) {
    const [op = '', ...rest] = line.split(/\s+/);
    const instruction = { op: op.toUpperCase(), args: rest.join(' ') };
    const current = stages[stages.length - 1];
    if (instruction.op === 'FROM') {
      const [image = '', as, name] = rest;
      const from = image.replace(/^\$\{(\w+)\}$/, (_m, key: string) => args[key] ?? image);
      stages.push({ from, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else if (current) current.instructions.push(instruction);
    else if (instruction.op === 'ARG') {
      const [key = '', value = ''] = instruction.args.split('=');
      args[key] = value;
    }
  }
  return { args, stages };
}

const dockerfile = parseDockerfile(readFileSync(join(repoRoot, 'Dockerfile'), 'utf8'));
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { engines: { node: string } };
const runtime = dockerfile.stages[dockerfile.stages.length - 1] as Stage;
const build = dockerfile.stages[0] as Stage;
const ops = (stage: Stage, op: string) => stage.instructions.filter((i) => i.op === op).map((i) => i.args);

test('every stage uses a pinned Node image of a supported LTS major (24 or 26) the package allows', () => {
  const minimum = Number(/(\d+)/.exec(pkg.engines.node)?.[1]);
  expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
  for (const stage of dockerfile.stages) {
    const major = Number(/^node:(\d+)\.\d+(\.\d+)?-[a-z]+-slim$/.exec(stage.from)?.[1]);
    expect([24, 26]).toContain(major);
    expect(major).toBeGreaterThanOrEqual(minimum);
  }
});

test('the build stage installs dev dependencies and compiles; the runtime has production dependencies only and no npm', () => {
  expect(ops(build, 'RUN').join('\n')).toMatch(/npm ci(?! --omit)/);
  expect(ops(build, 'RUN').join('\n')).toContain('npm run build');
  expect(ops(build, 'RUN').join('\n')).toContain('rm -rf dist/sandbox');
  const deps = dockerfile.stages.find((stage) => stage.name === 'deps') as Stage;
  expect(ops(deps, 'RUN').join('\n')).toContain('npm ci --omit=dev');
  const runtimeRuns = ops(runtime, 'RUN').join('\n');
  expect(runtimeRuns).not.toContain('npm ci');
  expect(runtimeRuns).toContain('/usr/local/bin/npm');
  expect(ops(runtime, 'COPY')).toContain(`--from=${build.name} /src/dist ./dist`);
  expect(ops(runtime, 'COPY')).toContain('--from=deps /app/node_modules ./node_modules');
});

test('the runtime runs as a non-root numeric user', () => {
  const users = ops(runtime, 'USER');
  expect(users).toHaveLength(1);
  const [uid, gid] = (users[0] ?? '').split(':').map(Number);
  expect(Number.isInteger(uid) && uid !== undefined && uid > 0).toBe(true);
  expect(gid === undefined || gid > 0).toBe(true);
  const userIndex = runtime.instructions.findIndex((i) => i.op === 'USER');
  expect(runtime.instructions.slice(userIndex).some((i) => i.op === 'RUN')).toBe(false);
});

test('the entrypoint is `node bin/kanary.js controller` in exec form (node is PID 1 and gets SIGTERM)', () => {
  const entrypoints = ops(runtime, 'ENTRYPOINT');
  expect(entrypoints).toHaveLength(1);
  expect(JSON.parse(entrypoints[0] ?? '')).toEqual(['node', 'bin/kanary.js', 'controller']);
  expect(ops(runtime, 'CMD')).toEqual([]);
  expect(existsSync(join(repoRoot, 'bin', 'kanary.js'))).toBe(true);
  expect(commandRegistry().map((c) => c.name)).toContain('controller');
  expect(ops(runtime, 'COPY')).toContain('bin ./bin');
});

test('OCI labels name the image', () => {
  const labels = ops(runtime, 'LABEL').join(' ');
  for (const key of ['title', 'description', 'version', 'revision', 'licenses', 'source']) {
    expect(labels).toContain(`org.opencontainers.image.${key}=`);
  }
});

test('.dockerignore keeps node_modules, dist and the git history out of the build context', () => {
  const ignored = readFileSync(join(repoRoot, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
  expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git']));
  for (const needed of ['src', 'bin', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']) {
    expect(ignored).not.toContain(needed);
  }
});
