/**
 * The loop behind every `-w`: watches, then redraws the screen from their caches on each change (at
 * most ~5 frames a second, in place on a TTY) until Ctrl-C or `--timeout`. Never polls the API; the
 * optional tick only redraws from the caches (countdowns, ages).
 */
import type * as k8s from '@kubernetes/client-node';
import type { Clock } from '../runtime/clock.js';
import { UserError } from './command.js';
import type { NamespaceObjects } from './rollout-tree.js';
import { NamespaceWatch, type WatchTarget } from './watch-namespace.js';
import { FrameWriter, RedrawScheduler } from './watch-redraw.js';
import { startWatchSession } from './watch-session.js';

const SYNC_TIMEOUT_MS = 30_000;

export interface WatchScreenOptions {
  kubeConfig: k8s.KubeConfig;
  clock: Clock;
  targets: readonly WatchTarget[];
  render: (objects: NamespaceObjects) => string;
  write: (text: string) => void;
  inPlace: boolean;
  timeoutMs?: number;
  /** Redraw this often even without changes (omit for none). */
  tickMs?: number;
  /** What did not start, for the error when the watches do not sync (e.g. `get: the watches on namespace "x"`). */
  what: string;
}

export async function runWatchScreen(options: WatchScreenOptions): Promise<void> {
  const { clock } = options;
  const writer = new FrameWriter(options.write, options.inPlace);
  const session = startWatchSession({ clock, ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}) });
  let synced = false; // the first frame waits until every required watch has listed
  const scheduler = new RedrawScheduler({ clock, draw: () => writer.show(options.render(watch.objects())) });
  const watch = new NamespaceWatch({
    kubeConfig: options.kubeConfig, clock, targets: options.targets, onChange: () => { if (synced) scheduler.request(); },
  });
  try {
    if (!(await watch.start(SYNC_TIMEOUT_MS))) throw new UserError(`${options.what} did not start within ${SYNC_TIMEOUT_MS / 1000}s`);
    synced = true;
    scheduler.request();
    if (options.tickMs !== undefined) session.every(options.tickMs, () => scheduler.request());
    await session.ended;
  } finally {
    scheduler.stop();
    session.dispose();
    await watch.stop();
  }
}
