/**
 * Builds the typed API clients the controller uses from one KubeConfig, with every request reported
 * to an injected `onRequest` (verb, resource, HTTP code) for `kanary_kubernetes_requests_total`.
 *
 * client-node 1.4's middleware sees the request (`pre`) and the response (`post`) separately, with
 * nothing linking the two, so it cannot pair a status code with its verb and resource under
 * concurrent requests. The counter therefore wraps the configuration's HTTP library, the seam the
 * middleware chain itself ends in: it sees each request with its outcome, network failures included.
 * Watches (informers) do not go through these clients and are not counted.
 */
import * as k8s from '@kubernetes/client-node';
import { describeRequest } from './request-info.js';
import { sharedAgent } from './shared-agent.js';

export interface KubeRequestRecord {
  verb: string;
  resource: string;
  /** HTTP status code; 0 when no response arrived (connection refused, reset, timeout). */
  code: number;
}

export type OnKubeRequest = (record: KubeRequestRecord) => void;

export interface KubeClients {
  core: k8s.CoreV1Api;
  apps: k8s.AppsV1Api;
  custom: k8s.CustomObjectsApi;
  coordination: k8s.CoordinationV1Api;
  events: k8s.EventsV1Api;
}

export interface KubeClientsOptions {
  onRequest?: OnKubeRequest;
}

/** Sends through one shared keep-alive agent (shared-agent.ts) instead of a new one per request. */
function sharedAgentHttpLibrary(inner: k8s.HttpLibrary): k8s.HttpLibrary {
  return k8s.wrapHttpLibrary({
    send(request: k8s.RequestContext): Promise<k8s.ResponseContext> {
      const agent = request.getAgent();
      if (agent) request.setAgent(sharedAgent(agent));
      return inner.send(request).toPromise();
    },
  });
}

function countingHttpLibrary(inner: k8s.HttpLibrary, onRequest: OnKubeRequest): k8s.HttpLibrary {
  return k8s.wrapHttpLibrary({
    async send(request: k8s.RequestContext): Promise<k8s.ResponseContext> {
      const info = describeRequest(request.getHttpMethod().toString(), request.getUrl());
      try {
        const response = await inner.send(request).toPromise();
        onRequest({ ...info, code: response.httpStatusCode });
        return response;
      } catch (err) {
        onRequest({ ...info, code: 0 });
        throw err;
      }
    },
  });
}

/** The client configuration `KubeConfig.makeApiClient` would build, with the counting HTTP library. */
export function createKubeConfiguration(kc: k8s.KubeConfig, options: KubeClientsOptions = {}): k8s.Configuration {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('kubeconfig has no current cluster');
  const base = k8s.createConfiguration({
    baseServer: new k8s.ServerConfiguration(cluster.server, {}),
    authMethods: { default: kc },
  });
  const shared = sharedAgentHttpLibrary(base.httpApi);
  return k8s.createConfiguration({
    baseServer: base.baseServer,
    authMethods: { default: kc },
    httpApi: options.onRequest ? countingHttpLibrary(shared, options.onRequest) : shared,
  });
}

export function createKubeClients(kc: k8s.KubeConfig, options: KubeClientsOptions = {}): KubeClients {
  const configuration = createKubeConfiguration(kc, options);
  return {
    core: new k8s.CoreV1Api(configuration),
    apps: new k8s.AppsV1Api(configuration),
    custom: new k8s.CustomObjectsApi(configuration),
    coordination: new k8s.CoordinationV1Api(configuration),
    events: new k8s.EventsV1Api(configuration),
  };
}
