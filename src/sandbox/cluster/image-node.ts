import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The Node.js major.minor of the controller image (the Dockerfile's `ARG NODE_IMAGE=node:X.Y-…`). Pure. */
export function parseImageNodeVersion(dockerfile: string): { major: number; minor: number } | undefined {
  const match = /^ARG NODE_IMAGE=node:(\d+)\.(\d+)-/m.exec(dockerfile);
  return match ? { major: Number(match[1]), minor: Number(match[2]) } : undefined;
}

/** Whether the machine's Node.js is older than the image's (then the image's is installed). Pure. */
export function isOlderNode(machine: string, image: { major: number; minor: number }): boolean {
  const [major = 0, minor = 0] = machine.split('.').map(Number);
  return major < image.major || (major === image.major && minor < image.minor);
}

/**
 * The node binary the simulated kubelet runs the controller image under: none (the machine's) when
 * the machine's Node.js is not older than the image's, else the image's from the npm registry's
 * `node` package (scripts/setup-image-node.sh, cached); a warning when that cannot be had.
 */
export function resolveImageNode(repoRoot: string): Promise<{ binary?: string; warning?: string }> {
  let image: { major: number; minor: number } | undefined;
  try {
    image = parseImageNodeVersion(readFileSync(join(repoRoot, 'Dockerfile'), 'utf8'));
  } catch {
    image = undefined;
  }
  if (!image || !isOlderNode(process.versions.node, image)) return Promise.resolve({});
  const wanted = `${image.major}.${image.minor}`;
  return new Promise((resolve) => {
    execFile('bash', [join(repoRoot, 'scripts', 'setup-image-node.sh'), '--print-binary'], { timeout: 300_000 }, (error, stdout, stderr) => {
      if (error) {
        resolve({ warning: `the controller image's Node.js ${wanted} could not be installed, so controller pods run under this machine's ${process.versions.node}: ${stderr.trim() || error.message}` });
      } else {
        resolve({ binary: stdout.trim() });
      }
    });
  });
}
