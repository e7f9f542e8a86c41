import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { type PkiFiles, opensslCommands, opensslConfig, pkiFiles } from './pki-plan.js';

const run = promisify(execFile);

/** PEM contents a kubeconfig embeds. */
export interface ClientPems {
  caPem: string;
  certPem: string;
  keyPem: string;
}

function complete(files: PkiFiles): boolean {
  return Object.values(files).every((path) => existsSync(path));
}

/**
 * Creates the CA, the apiserver serving certificate, admin and controller-manager client
 * certificates and the service-account key pair with openssl, unless all already exist (a
 * restarted cluster keeps its identity, so existing kubeconfigs and tokens stay valid).
 */
export async function ensurePki(pkiDir: string): Promise<PkiFiles> {
  const files = pkiFiles(pkiDir);
  if (complete(files)) return files;
  await rm(pkiDir, { recursive: true, force: true });
  await mkdir(pkiDir, { recursive: true, mode: 0o700 });
  await writeFile(files.opensslConfig, opensslConfig());
  for (const args of opensslCommands(files)) {
    try {
      await run('openssl', args, { cwd: pkiDir });
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? '';
      throw new Error(`openssl ${args[0]} failed while creating ${pkiDir}: ${stderr.trim() || String(error)}`);
    }
  }
  return files;
}

export async function readClientPems(files: PkiFiles, who: 'admin' | 'controller-manager'): Promise<ClientPems> {
  const [cert, key] = who === 'admin'
    ? [files.adminCert, files.adminKey]
    : [files.controllerManagerCert, files.controllerManagerKey];
  const [caPem, certPem, keyPem] = await Promise.all([
    readFile(files.caCert, 'utf8'),
    readFile(cert, 'utf8'),
    readFile(key, 'utf8'),
  ]);
  return { caPem, certPem, keyPem };
}
