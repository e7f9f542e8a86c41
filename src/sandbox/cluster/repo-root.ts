import { fileURLToPath } from 'node:url';

/** The repository (or installed package) root: this file is src/sandbox/cluster/ or dist/sandbox/cluster/. */
export function repoRoot(): string {
  return fileURLToPath(new URL('../../../', import.meta.url));
}
