import type { ControllerContainerConfig } from './controller-container-config.js';

/** Quotes one word for sh. */
function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Every volume is first bind-mounted into a staging directory on the fresh /run, then from there at
 * its mountPath: a mountPath such as /tmp would otherwise hide the sources of the volumes after it
 * (the per-pod directories may live under /tmp).
 */
function mountCommands(config: ControllerContainerConfig): string[] {
  const staging = (i: number): string => shellQuote(`/run/.kanary-volumes/${i}`);
  const commands = config.mounts.flatMap((mount, i) => [`mkdir -p ${staging(i)}`, `mount --bind ${shellQuote(mount.source)} ${staging(i)}`]);
  config.mounts.forEach((mount, i) => {
    const target = shellQuote(mount.target);
    commands.push(`mkdir -p ${target}`, `mount --bind ${staging(i)} ${target}`, `umount ${staging(i)}`);
    if (mount.readOnly) commands.push(`mount -o remount,bind,ro ${target}`);
  });
  if (config.mounts.length > 0) commands.push('rm -rf /run/.kanary-volumes');
  return commands;
}

/** What the image's /app holds (see Dockerfile): all the controller needs of the checkout. */
export const APP_ENTRIES = ['package.json', 'bin', 'dist', 'node_modules'];

/**
 * The checkout's APP_ENTRIES, each bind-mounted read-only into `target` (a directory made on the
 * pod's /run, readable by the pod user): the checkout's own directory is not mounted, since its
 * mode may keep other users out (`mktemp -d` makes it 0700).
 */
function appCommands(app: { source: string; target: string }): string[] {
  const commands = [`mkdir -p ${shellQuote(app.target)}`];
  for (const entry of APP_ENTRIES) {
    const source = shellQuote(`${app.source}/${entry}`);
    const target = shellQuote(`${app.target}/${entry}`);
    commands.push(
      `if [ -d ${source} ]; then mkdir -p ${target}; else touch ${target}; fi`,
      `mount --bind ${source} ${target}`,
      `mount -o remount,bind,ro ${target}`,
    );
  }
  return commands;
}

/**
 * The command line that runs a controller container as a container runtime would, without one:
 * `unshare --mount --uts --propagation private` gives it its own mount table and hostname (the pod's
 * name, as a runtime sets it); there the image's Node.js, when given, is bind-mounted over the
 * host's node binary, /sys is read-only, /run is a fresh tmpfs holding the checkout (read-only, the
 * working directory, as the image's /app)
 * (so /var/run/secrets/kubernetes.io/serviceaccount can be mounted without touching the host), each
 * volume's per-pod directory is bind-mounted at its mountPath, the root filesystem (and /run) is
 * remounted read-only when readOnlyRootFilesystem is set, and `setpriv` drops to the pod's uid/gid
 * with no supplementary groups, no capabilities (and no_new_privs when allowPrivilegeEscalation is
 * false) and SIGKILL as its parent-death signal before exec'ing node. Pure: the words are data. Every step execs, so the spawned pid ends
 * up being node's, and signals reach it directly.
 */
export function buildContainerCommand(config: ControllerContainerConfig): { command: string; args: string[] } {
  const setpriv = [
    'setpriv', `--reuid=${config.uid}`, `--regid=${config.gid}`, '--clear-groups',
    ...(config.noNewPrivileges ? ['--no-new-privs'] : []),
    '--inh-caps=-all', '--bounding-set=-all',
    // If the kubelet dies (even SIGKILLed), its controller processes die with it: nothing started by
    // the local stack outlives it.
    '--pdeathsig=SIGKILL', '--', ...config.argv,
  ];
  const script = [
    'set -e',
    `printf %s ${shellQuote(config.hostname)} > /proc/sys/kernel/hostname`,
    ...(config.imageNode ? [`mount --bind ${shellQuote(config.imageNode.source)} ${shellQuote(config.imageNode.target)}`] : []),
    'mount -t tmpfs -o size=1m,mode=755 tmpfs /run',
    // The checkout at its own path on /run, before any volume can hide where it lives on the host.
    ...appCommands(config.app),
    ...mountCommands(config),
    'mount -o remount,bind,ro /sys',
    ...(config.readOnlyRootFilesystem ? ['mount -o remount,bind,ro /', 'mount -o remount,ro /run'] : []),
    `cd ${shellQuote(config.app.target)}`,
    `exec ${setpriv.map(shellQuote).join(' ')}`,
  ].join('\n');
  return { command: 'unshare', args: ['--mount', '--uts', '--propagation', 'private', 'sh', '-c', script] };
}
