/* global console, process */
// Bundles the dashboard UI (src/dashboard/ui) with esbuild into dist/dashboard-ui/: app.js (one
// ES module, no CDN, no runtime dependency), app.css and index.html. Run by `npm run build`.
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ui = join(root, 'src', 'dashboard', 'ui');
const out = process.argv[2] ?? join(root, 'dist', 'dashboard-ui');

await mkdir(out, { recursive: true });
await build({
  entryPoints: [join(ui, 'app.ts')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022'],
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  outfile: join(out, 'app.js'),
  logLevel: 'warning',
});
await copyFile(join(ui, 'app.css'), join(out, 'app.css'));
await copyFile(join(ui, 'index.html'), join(out, 'index.html'));
console.log(`dashboard UI bundled into ${out}`);
