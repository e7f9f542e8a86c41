/** Reads one key of a Secret for analysis args (`valueFrom.secretKeyRef`); only when a run needs it. */
import type { SecretReader } from '../analysis/args.js';
import type { KubeClients } from '../kube/clients.js';
import { callKube, NotFoundError } from '../kube/errors.js';

export function createSecretReader(clients: KubeClients): SecretReader {
  return async (ref, namespace) => {
    try {
      const secret = await callKube({ verb: 'get', resource: 'secrets', namespace, name: ref.name }, () =>
        clients.core.readNamespacedSecret({ namespace, name: ref.name }),
      );
      const encoded = secret.data?.[ref.key];
      return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
    } catch (error) {
      if (error instanceof NotFoundError) throw new Error(`Secret ${namespace}/${ref.name} not found`);
      throw error;
    }
  };
}
