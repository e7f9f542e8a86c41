/** `npm run gen:crds`: writes crds/*.yaml from the zod schemas. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderCrds } from './crds.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = join(root, 'crds');
mkdirSync(outDir, { recursive: true });
for (const [file, text] of renderCrds()) {
  writeFileSync(join(outDir, file), text);
  process.stdout.write(`wrote crds/${file}\n`);
}
