import * as k8s from '@kubernetes/client-node';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startSimulatedKubelet } from './kubelet.js';

const usage = [
  'usage: node dist/sandbox/kubelet/main.js --kubeconfig PATH [--node-name NAME] [--ip-prefix 127.P]',
  '         [--root-dir DIR] [--controller-image REF]... [--image-node PATH] [--no-controller-pods]',
  '  --root-dir DIR          per-pod volumes and container logs (default: kubelet/ beside the kubeconfig)',
  '  --controller-image REF  one more image run as the real controller (repeatable; kanary/kanary always is)',
  '  --image-node PATH       the controller image\'s Node.js (scripts/setup-image-node.sh); default: this node',
  '  --no-controller-pods    simulate every container, the controller image too',
].join('\n');

function log(line: object): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function controllerOptions(rootDir: string, images: string[] | undefined, imageNode: string | undefined): NonNullable<Args['controllers']> {
  return { rootDir, controllerImages: images ?? [], ...(imageNode !== undefined ? { imageNode: resolve(imageNode) } : {}) };
}

interface Args {
  kubeconfig: string;
  nodeName?: string;
  ipPrefix?: string;
  controllers?: { rootDir: string; controllerImages: string[]; imageNode?: string };
}

function readArgs(): Args {
  const { values } = parseArgs({
    options: {
      kubeconfig: { type: 'string' },
      'node-name': { type: 'string' },
      'ip-prefix': { type: 'string' },
      'root-dir': { type: 'string' },
      'controller-image': { type: 'string', multiple: true },
      'no-controller-pods': { type: 'boolean' },
      'image-node': { type: 'string' },
    },
    strict: true,
  });
  if (!values.kubeconfig) throw new Error('--kubeconfig is required');
  const rootDir = resolve(values['root-dir'] ?? join(dirname(values.kubeconfig), 'kubelet'));
  return {
    kubeconfig: values.kubeconfig,
    ...(values['no-controller-pods'] ? {} : { controllers: controllerOptions(rootDir, values['controller-image'], values['image-node']) }),
    ...(values['node-name'] !== undefined ? { nodeName: values['node-name'] } : {}),
    ...(values['ip-prefix'] !== undefined ? { ipPrefix: values['ip-prefix'] } : {}),
  };
}

async function main(): Promise<void> {
  let args: Args;
  try {
    args = readArgs();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}\n`);
    process.exit(2);
  }
  const kubeConfig = new k8s.KubeConfig();
  const { kubeconfig, ...rest } = args;
  kubeConfig.loadFromFile(kubeconfig);
  const kubelet = await startSimulatedKubelet({ kubeConfig, logger: log, ...rest });
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log({ time: new Date().toISOString(), component: 'kubelet', msg: 'shutting down', signal });
    kubelet.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log({ level: 'error', msg: 'stop failed', error: String(err) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  log({ time: new Date().toISOString(), component: 'kubelet', level: 'error', msg: 'kubelet failed to start', error: String(err) });
  process.exit(1);
});
