/**
 * One keep-alive HTTP agent per set of TLS settings, in place of the agent client-node makes for
 * every request. client-node 1.4's KubeConfig builds a new `https.Agent` on each request
 * (applySecurityAuthentication, applyToHTTPSOptions), so each request opened its own TLS connection
 * and parsed the CA, client certificate and key again: at 500 progressing Rollouts that was the
 * controller's largest CPU cost (bench/notes.md). Requests whose agents carry equal settings share
 * one agent here; a changed certificate or token file (rotation) gives different settings, hence a
 * new agent. Proxy agents (a kubeconfig's proxy-url) are passed through untouched.
 */
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';

/** The agent options client-node copies from the kubeconfig (KubeConfig.applyToHTTPSOptions). */
const TLS_FIELDS = [
  'ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername', 'timeout', 'ciphers', 'honorCipherOrder',
  'ecdhCurve', 'clientCertEngine', 'crl', 'dhparam', 'secureOptions', 'secureProtocol', 'sessionIdContext',
] as const;

/** Agents kept at once; more only when credentials rotate while requests still use the old ones. */
const MAX_AGENTS = 4;
/**
 * An idle kept-alive connection is closed after this long unless the kubeconfig sets a timeout:
 * before the API server's own idle timeout (90 s), so a request never lands on a connection the
 * server is closing.
 */
const IDLE_SOCKET_MS = 30_000;

const agents = new Map<string, http.Agent>();

function settingsKey(kind: string, options: Record<string, unknown>): string {
  const hash = createHash('sha256').update(kind);
  for (const field of TLS_FIELDS) {
    const value = options[field];
    if (value === undefined) continue;
    const parts = Array.isArray(value) ? value : [value];
    hash.update(`\0${field}=`);
    for (const part of parts) hash.update(Buffer.isBuffer(part) ? part : String(part)).update('\0');
  }
  return hash.digest('base64');
}

function remember(key: string, agent: http.Agent): http.Agent {
  agents.set(key, agent);
  while (agents.size > MAX_AGENTS) {
    const [oldest] = agents.keys();
    if (oldest === undefined) break;
    agents.get(oldest)?.destroy();
    agents.delete(oldest);
  }
  return agent;
}

/**
 * The shared keep-alive agent with the same settings as `agent` (a plain `http.Agent` or
 * `https.Agent` just made for one request); any other agent, or none, is returned as it is.
 */
export function sharedAgent<T extends http.Agent | undefined>(agent: T): T | http.Agent {
  if (agent === undefined) return agent;
  const kind = agent.constructor === https.Agent ? 'https' : agent.constructor === http.Agent ? 'http' : undefined;
  if (kind === undefined) return agent;
  const options = ((agent as unknown as { options?: Record<string, unknown> }).options ?? {});
  const key = settingsKey(kind, options);
  const known = agents.get(key);
  if (known) return known;
  const settings = { timeout: IDLE_SOCKET_MS, ...Object.fromEntries(TLS_FIELDS.filter((f) => options[f] !== undefined).map((f) => [f, options[f]])), keepAlive: true };
  const made = kind === 'https' ? new https.Agent(settings) : new http.Agent(settings);
  return remember(key, made);
}

/** Closes every shared agent's idle connections (the controller's shutdown). */
export function closeSharedAgents(): void {
  for (const agent of agents.values()) agent.destroy();
  agents.clear();
}
