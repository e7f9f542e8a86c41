/**
 * Where the bundled UI lives: `dist/dashboard-ui/` (written by scripts/build-dashboard.mjs at
 * `npm run build`). From dist/dashboard/*.js that is `../dashboard-ui`; when running from sources
 * (tests) it is the repository's dist/dashboard-ui.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function findAssetsDir(moduleUrl: string = import.meta.url): string | undefined {
  const candidates = ['../dashboard-ui/', '../../dist/dashboard-ui/'].map((relative) => fileURLToPath(new URL(relative, moduleUrl)));
  return candidates.find((dir) => existsSync(`${dir}index.html`) && existsSync(`${dir}app.js`));
}
