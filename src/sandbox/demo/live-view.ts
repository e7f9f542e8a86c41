/**
 * The demo's live screen on a terminal: the same view as `kanary get rollout demo -w` (same
 * watches, same pure renderer, redrawn in place at most ~5 times a second), with the demo's
 * traffic tally, where to look and its latest narration lines below it.
 */
import type * as k8s from '@kubernetes/client-node';
import { buildRolloutView } from '../../cli/render-rollout-view.js';
import { renderRollout } from '../../cli/render-rollout.js';
import { selectRolloutState, type NamespaceObjects } from '../../cli/rollout-tree.js';
import { paint, type TerminalStyle } from '../../cli/terminal.js';
import { NamespaceWatch, rolloutTreeTargets } from '../../cli/watch-namespace.js';
import { FrameWriter, RedrawScheduler } from '../../cli/watch-redraw.js';
import { createSystemClock, type Cancel, type Clock } from '../../runtime/clock.js';

/** Narration lines kept on screen under the view. */
export const LIVE_LOG_LINES = 8;
const SYNC_TIMEOUT_MS = 30_000;

export interface DemoFrameParts {
  objects: NamespaceObjects;
  rolloutName: string;
  now: number;
  style: TerminalStyle;
  /** Lines under the view: traffic tally, where to look. */
  footer: readonly string[];
  log: readonly string[];
}

/** The whole screen as text (pure). */
export function composeDemoFrame(parts: DemoFrameParts): string {
  const state = selectRolloutState(parts.objects, parts.rolloutName);
  const view = state ? renderRollout(buildRolloutView(state, parts.now), parts.style) : `waiting for rollout "${parts.rolloutName}" ...\n`;
  const rule = paint(parts.style, 'muted', (parts.style.unicode ? '─' : '-').repeat(60));
  const log = parts.log.slice(-LIVE_LOG_LINES);
  return [view.replace(/\n$/, ''), rule, ...parts.footer, rule, ...log].join('\n') + '\n';
}

export interface DemoLiveViewOptions {
  kubeConfig: k8s.KubeConfig;
  namespace: string;
  rolloutName: string;
  /** The Mapping API version the demo uses (e.g. v2). */
  mappingVersion: string;
  style: TerminalStyle;
  write: (text: string) => void;
  footer: () => string[];
  clock?: Clock;
}

export class DemoLiveView {
  private readonly clock: Clock;
  private readonly log: string[] = [];
  private readonly writer: FrameWriter;
  private readonly scheduler: RedrawScheduler;
  private readonly watch: NamespaceWatch;
  private tick: Cancel | undefined;
  private synced = false;

  constructor(private readonly options: DemoLiveViewOptions) {
    this.clock = options.clock ?? createSystemClock();
    this.writer = new FrameWriter(options.write, true);
    this.scheduler = new RedrawScheduler({ clock: this.clock, draw: () => this.writer.show(this.frame()) });
    this.watch = new NamespaceWatch({
      kubeConfig: options.kubeConfig, clock: this.clock, onChange: () => this.request(),
      targets: rolloutTreeTargets(options.namespace, options.rolloutName, options.mappingVersion),
    });
  }

  /** Starts the watches and the 1-second tick (countdowns, traffic); false when they did not sync. */
  async start(): Promise<boolean> {
    const synced = await this.watch.start(SYNC_TIMEOUT_MS);
    this.synced = true;
    this.scheduleTick();
    this.request();
    return synced;
  }

  say(line: string): void {
    this.log.push(...line.split('\n'));
    if (this.log.length > LIVE_LOG_LINES * 4) this.log.splice(0, this.log.length - LIVE_LOG_LINES);
    this.request();
  }

  /** Draws the last frame and stops every watch and timer. */
  async stop(): Promise<void> {
    this.tick?.();
    this.tick = undefined;
    this.scheduler.stop();
    if (this.synced) this.writer.show(this.frame());
    await this.watch.stop();
  }

  private frame(): string {
    return composeDemoFrame({
      objects: this.watch.objects(), rolloutName: this.options.rolloutName, now: this.clock.now(),
      style: this.options.style, footer: this.options.footer(), log: this.log,
    });
  }

  private request(): void {
    if (this.synced) this.scheduler.request();
  }

  private scheduleTick(): void {
    this.tick = this.clock.setTimer(() => {
      this.request();
      this.scheduleTick();
    }, 1000);
  }
}
