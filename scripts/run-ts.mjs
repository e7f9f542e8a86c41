#!/usr/bin/env node
// Runs a TypeScript ESM file straight from src/ without a build: `node scripts/run-ts.mjs FILE.ts
// [args...]`. Registers Node module hooks that map `./x.js` imports to `./x.ts` and transpile .ts
// files with the project's own `typescript` package (no type check: `npm run typecheck` does that).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { register } from 'node:module';
import { resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';

function isRelativeJs(specifier) {
  return /\.js$/.test(specifier) && /^(\.{1,2}\/|\/|file:)/.test(specifier);
}

/** Module hook: `./foo.js` resolves to `./foo.ts` when only the .ts file exists. */
export async function resolve(specifier, context, nextResolve) {
  if (isRelativeJs(specifier) && context.parentURL) {
    const tsUrl = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
    const jsUrl = new URL(specifier, context.parentURL);
    if (!existsSync(fileURLToPath(jsUrl)) && existsSync(fileURLToPath(tsUrl))) {
      return { url: tsUrl.href, shortCircuit: true };
    }
  }
  return nextResolve(specifier, context);
}

/** Module hook: transpile .ts files to ESM JavaScript. */
export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  const { default: ts } = await import('typescript');
  const fileName = fileURLToPath(url);
  const source = await readFile(fileName, 'utf8');
  const output = ts.transpileModule(source, {
    fileName,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      inlineSourceMap: true,
      esModuleInterop: true,
    },
  });
  return { format: 'module', source: output.outputText, shortCircuit: true };
}

async function main() {
  const [file, ...rest] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: node scripts/run-ts.mjs FILE.ts [args...]\n');
    process.exit(2);
  }
  const target = resolvePath(file);
  if (!existsSync(target)) {
    process.stderr.write(`run-ts: ${file} does not exist\n`);
    process.exit(2);
  }
  register(import.meta.url);
  process.argv = [process.argv[0], target, ...rest];
  await import(pathToFileURL(target).href);
}

if (isMainThread) await main();
