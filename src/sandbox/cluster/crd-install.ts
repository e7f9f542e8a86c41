import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { type ApiAnswer, apiRequest } from './api-request.js';
import {
  type ConversionWebhookClient,
  EMISSARY_CRD_FILES,
  type EmissaryVersion,
  pointConversionWebhook,
  usesConversionWebhook,
} from './mapping-crd.js';
import type { TlsClient } from './readiness.js';
import { waitReady } from './readiness.js';

/** Installs Kanary's CRDs (crds/*.yaml) and Emissary's getambassador.io CRDs, then waits for Established. */

type Obj = Record<string, unknown>;

const CRD_PATH = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

export interface CrdSource {
  file: string;
  crd: Obj;
}

function isCrd(doc: unknown): doc is Obj {
  return typeof doc === 'object' && doc !== null && (doc as Obj).kind === 'CustomResourceDefinition';
}

async function loadFile(file: string): Promise<CrdSource[]> {
  const docs = yaml.loadAll(await readFile(file, 'utf8'));
  return docs.filter(isCrd).map((crd) => ({ file, crd }));
}

/** Which Emissary CRD set, and (Emissary 3) where its conversion webhook listens. */
export interface EmissaryCrdChoice {
  version: EmissaryVersion;
  webhook?: ConversionWebhookClient;
}

/** Emissary's vendored CRDs of one major version; 3.x ones pointed at the local conversion webhook. */
export async function loadEmissaryCrds(repoRoot: string, choice: EmissaryCrdChoice): Promise<CrdSource[]> {
  const sources = await loadFile(join(repoRoot, 'vendor', EMISSARY_CRD_FILES[choice.version]));
  const webhook = choice.webhook;
  if (!webhook) {
    const needing = sources.filter((s) => usesConversionWebhook(s.crd)).map((s) => crdName(s.crd));
    if (needing.length > 0) throw new Error(`Emissary ${choice.version} CRDs need a conversion webhook: ${needing.join(', ')}`);
    return sources;
  }
  return sources.map((s) => ({ ...s, crd: pointConversionWebhook(s.crd, webhook) }));
}

/** Every CRD the local cluster installs: crds/*.yaml (skipped when absent) and Emissary's. */
export async function loadCrds(repoRoot: string, emissary: EmissaryCrdChoice): Promise<CrdSource[]> {
  const crdDir = join(repoRoot, 'crds');
  const files = existsSync(crdDir)
    ? (await readdir(crdDir)).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join(crdDir, f))
    : [];
  const kanary = (await Promise.all(files.map(loadFile))).flat();
  return [...kanary, ...(await loadEmissaryCrds(repoRoot, emissary))];
}

function crdName(crd: Obj): string {
  const metadata = crd.metadata as Obj | undefined;
  return String(metadata?.name ?? '');
}

function failure(source: CrdSource, answer: ApiAnswer): Error {
  return new Error(
    `installing CRD ${crdName(source.crd)} from ${source.file} failed (HTTP ${answer.status}): ${String(answer.json.message ?? '')}`,
  );
}

async function createOrReplace(server: string, tls: TlsClient, source: CrdSource): Promise<void> {
  const name = crdName(source.crd);
  const created = await apiRequest({ server, tls, method: 'POST', path: CRD_PATH, body: source.crd });
  if (created.status === 201 || created.status === 200) return;
  if (created.status !== 409) throw failure(source, created);
  const current = await apiRequest({ server, tls, method: 'GET', path: `${CRD_PATH}/${name}` });
  const resourceVersion = (current.json.metadata as Obj | undefined)?.resourceVersion;
  const metadata = { ...(source.crd.metadata as Obj), resourceVersion };
  const body = { ...source.crd, metadata };
  const replaced = await apiRequest({ server, tls, method: 'PUT', path: `${CRD_PATH}/${name}`, body });
  if (replaced.status !== 200) throw failure(source, replaced);
}

async function established(server: string, tls: TlsClient, name: string): Promise<boolean> {
  const answer = await apiRequest({ server, tls, method: 'GET', path: `${CRD_PATH}/${name}` });
  const conditions = ((answer.json.status as Obj | undefined)?.conditions ?? []) as Obj[];
  return conditions.some((c) => c.type === 'Established' && c.status === 'True');
}

/** Installs every CRD and resolves once all are Established; returns their names. */
export async function installCrds(options: {
  server: string;
  tls: TlsClient;
  repoRoot: string;
  emissary: EmissaryCrdChoice;
}): Promise<string[]> {
  const { server, tls } = options;
  const sources = await loadCrds(options.repoRoot, options.emissary);
  for (const source of sources) await createOrReplace(server, tls, source);
  const names = sources.map((s) => crdName(s.crd));
  for (const name of names) {
    await waitReady({ name: `CRD ${name}`, check: () => established(server, tls, name), timeoutMs: 30_000 });
  }
  return names;
}
