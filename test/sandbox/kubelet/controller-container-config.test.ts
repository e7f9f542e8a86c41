import type * as k8s from '@kubernetes/client-node';
import { buildControllerContainerConfig, type ControllerHost } from '../../../src/sandbox/kubelet/controller-container-config.js';
import { isControllerImage } from '../../../src/sandbox/kubelet/controller-image.js';
import { buildContainerCommand } from '../../../src/sandbox/kubelet/mount-namespace.js';
import { findUnsupportedPodFeature } from '../../../src/sandbox/kubelet/unsupported-pod.js';

const host: ControllerHost = {
  repoRoot: '/repo', nodePath: '/usr/bin/node', networkShim: '/repo/dist/shim.js',
  apiHost: '127.0.0.1', apiPort: 6443, podIP: '127.9.0.1', podDir: '/k/pods/u1',
};

function controllerPod(container: Partial<k8s.V1Container> = {}, spec: Partial<k8s.V1PodSpec> = {}): { pod: k8s.V1Pod; container: k8s.V1Container } {
  const c: k8s.V1Container = {
    name: 'controller',
    image: 'kanary/kanary:1.0.0',
    args: ['--health-probe-addr=:8081'],
    env: [{ name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }, { name: 'LEVEL', value: 'debug' }],
    ports: [{ name: 'probes', containerPort: 8081 }],
    readinessProbe: { httpGet: { path: '/readyz', port: 'probes' }, periodSeconds: 5 },
    securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
    volumeMounts: [
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'kube-api-access-x', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true },
    ],
    ...container,
  };
  const pod: k8s.V1Pod = {
    metadata: { name: 'kanary-abc', namespace: 'kanary-system', uid: 'u1' },
    spec: {
      serviceAccountName: 'kanary',
      securityContext: { runAsUser: 65532, runAsGroup: 65532 },
      containers: [c],
      volumes: [
        { name: 'tmp', emptyDir: {} },
        { name: 'kube-api-access-x', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3607 } }] } },
      ],
      ...spec,
    },
  };
  return { pod, container: c };
}

describe('isControllerImage', () => {
  test.each([
    ['kanary/kanary:1.2.3', [], true],
    ['docker.io/kanary/kanary:dev', [], true],
    ['kanary/kanary@sha256:abc', [], true],
    ['kanary/kanary', [], true],
    ['kanary/demo-app:v1', [], false],
    ['registry.local:5000/me/kanary:pr-7', ['registry.local:5000/me/kanary'], true],
    ['registry.local:5000/me/kanary:pr-7', ['registry.local:5000/me/kanary:pr-8'], false],
    ['ghcr.io/x/kanary:1', ['ghcr.io/x/kanary:1'], true],
    ['', [], false],
  ])('%s with %j: %s', (image, extra, expected) => {
    expect(isControllerImage(image, extra)).toBe(expected);
  });
});

describe('buildControllerContainerConfig', () => {
  test('the image entrypoint with the spec args, env with fieldRefs, the pod user, volumes and probes', () => {
    const { pod, container } = controllerPod();
    const result = buildControllerContainerConfig(pod, container, host);
    if (!result.ok) throw new Error(result.error);
    const { config } = result;
    expect(config.argv).toEqual(['/usr/bin/node', '--import', '/run/kanary-app/dist/shim.js', 'bin/kanary.js', 'controller', '--health-probe-addr=:8081']);
    expect(config.cwd).toBe('/repo');
    expect(config.app).toEqual({ source: '/repo', target: '/run/kanary-app' });
    expect(config.env).toMatchObject({
      POD_NAMESPACE: 'kanary-system', LEVEL: 'debug', HOSTNAME: 'kanary-abc', HOME: '/tmp', NODE_ENV: 'production',
      KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: '6443',
    });
    expect(config.env.KUBECONFIG).toBeUndefined();
    expect({ uid: config.uid, gid: config.gid, ro: config.readOnlyRootFilesystem, nnp: config.noNewPrivileges }).toEqual({ uid: 65532, gid: 65532, ro: true, nnp: true });
    expect(config.mounts).toEqual([
      { kind: 'emptyDir', source: '/k/pods/u1/volumes/tmp', target: '/tmp', readOnly: false },
      { kind: 'serviceAccount', source: '/k/pods/u1/volumes/kube-api-access-x', target: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true },
    ]);
    expect(config.readiness).toMatchObject({ path: '/readyz', port: 8081, periodMs: 5_000, failureThreshold: 3 });
    expect(config.liveness).toBeUndefined();
    expect(config.serviceAccountName).toBe('kanary');
  });

  test('command replaces the entrypoint; the image user applies when the pod names none', () => {
    const { pod, container } = controllerPod({ command: ['node', 'bin/kanary.js'], args: ['version'] }, { securityContext: {} });
    const result = buildControllerContainerConfig(pod, container, host);
    expect(result.ok && result.config.argv.slice(3)).toEqual(['bin/kanary.js', 'version']);
    expect(result.ok && result.config.uid).toBe(65532);
  });

  test.each([
    ['runAsUser 0', { securityContext: { runAsUser: 0 } }, {}, /runAsUser 0: .*never runs the controller image as root/],
    ['a secret env', { env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] }, {}, /env X: only value and valueFrom.fieldRef/],
    ['an exec probe', { livenessProbe: { exec: { command: ['true'] } } }, {}, /livenessProbe: only httpGet/],
    ['a configMap volume', { volumeMounts: [{ name: 'cm', mountPath: '/etc/x' }] }, { volumes: [{ name: 'cm', configMap: { name: 'x' } }] }, /volume "cm": only emptyDir/],
    ['a shell command', { command: ['sh', '-c', 'echo'] }, {}, /runs node only/],
  ])('refuses %s with a message', (_name, container, spec, message) => {
    const { pod, container: c } = controllerPod(container as Partial<k8s.V1Container>, spec as Partial<k8s.V1PodSpec>);
    const result = buildControllerContainerConfig(pod, c, host);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(message);
  });
});

describe('findUnsupportedPodFeature', () => {
  test('a hostPath volume and a privileged container are refused; a plain pod is not', () => {
    const { pod } = controllerPod();
    expect(findUnsupportedPodFeature(pod)).toBeUndefined();
    const hostPath = { ...pod, spec: { ...pod.spec!, volumes: [{ name: 'h', hostPath: { path: '/etc' } }] } };
    expect(findUnsupportedPodFeature(hostPath)).toMatch(/volume "h": hostPath volumes are not supported/);
    const privileged = controllerPod({ securityContext: { privileged: true } }).pod;
    expect(findUnsupportedPodFeature(privileged)).toMatch(/container "controller": privileged containers are not supported/);
  });
});

describe('buildContainerCommand', () => {
  test('unshares mount and UTS namespaces, stages volumes, goes read-only, then drops to the pod user', () => {
    const { pod, container } = controllerPod();
    const result = buildControllerContainerConfig(pod, container, host);
    if (!result.ok) throw new Error(result.error);
    const { command, args } = buildContainerCommand(result.config);
    expect(command).toBe('unshare');
    expect(args.slice(0, 4)).toEqual(['--mount', '--uts', '--propagation', 'private']);
    const script = args.at(-1) ?? '';
    const lines = script.split('\n');
    const index = (prefix: string): number => lines.findIndex((line) => line.startsWith(prefix));
    expect(index("mount --bind '/run/.kanary-volumes/0' '/tmp'")).toBeGreaterThan(index("mount --bind '/k/pods/u1/volumes/kube-api-access-x' '/run/.kanary-volumes/1'"));
    expect(lines).toContain("mount -o remount,bind,ro '/var/run/secrets/kubernetes.io/serviceaccount'");
    expect(index('mount -o remount,bind,ro /')).toBeGreaterThan(index("mount --bind '/run/.kanary-volumes/1'"));
    // What the image's /app holds is mounted from the checkout on the fresh /run before any volume
    // (an emptyDir on /tmp may hide a checkout under /tmp), read-only, in a directory the pod user
    // may enter (the checkout's own may be 0700), and is the working directory.
    for (const entry of ['package.json', 'bin', 'dist', 'node_modules']) {
      expect(index(`mount --bind '/repo/${entry}' '/run/kanary-app/${entry}'`)).toBeGreaterThan(index('mount -t tmpfs'));
      expect(index(`mount --bind '/repo/${entry}' '/run/kanary-app/${entry}'`)).toBeLessThan(index("mount --bind '/k/pods/u1/volumes/tmp' '/run/.kanary-volumes/0'"));
      expect(lines).toContain(`mount -o remount,bind,ro '/run/kanary-app/${entry}'`);
    }
    expect(lines).not.toContain("mount --bind '/repo' '/run/kanary-app'");
    expect(lines.at(-2)).toBe("cd '/run/kanary-app'");
    expect(lines.at(-1)).toBe(
      "exec 'setpriv' '--reuid=65532' '--regid=65532' '--clear-groups' '--no-new-privs' '--inh-caps=-all' '--bounding-set=-all' '--pdeathsig=SIGKILL' '--' '/usr/bin/node' '--import' '/run/kanary-app/dist/shim.js' 'bin/kanary.js' 'controller' '--health-probe-addr=:8081'",
    );
    expect(script).toContain("printf %s 'kanary-abc' > /proc/sys/kernel/hostname");
  });

  test('the image\'s Node.js, when given, is bind-mounted over the host\'s node first', () => {
    const { pod, container } = controllerPod();
    const result = buildControllerContainerConfig(pod, container, { ...host, imageNode: '/cache/node-v24.11/bin/node' });
    if (!result.ok) throw new Error(result.error);
    const lines = (buildContainerCommand(result.config).args.at(-1) ?? '').split('\n');
    expect(lines[2]).toBe("mount --bind '/cache/node-v24.11/bin/node' '/usr/bin/node'");
  });

  test('without readOnlyRootFilesystem the root stays writable', () => {
    const { pod, container } = controllerPod({ securityContext: {} });
    const result = buildControllerContainerConfig(pod, container, host);
    if (!result.ok) throw new Error(result.error);
    expect(buildContainerCommand(result.config).args.at(-1)).not.toContain('remount,bind,ro /\n');
  });
});
