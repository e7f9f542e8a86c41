/** Status icons and their colours, Unicode on a TTY and ASCII otherwise (pure). */
import { paint, type TerminalStyle, type Tone } from './terminal.js';

interface Icon {
  unicode: string;
  ascii: string;
  tone: Tone;
}

const GOOD: Icon = { unicode: '✔', ascii: '+', tone: 'good' };
const BUSY: Icon = { unicode: '◌', ascii: '~', tone: 'warn' };
const PAUSED: Icon = { unicode: '॥', ascii: '||', tone: 'warn' };
const BAD: Icon = { unicode: '✖', ascii: 'x', tone: 'bad' };
const ERROR: Icon = { unicode: '⚠', ascii: '!', tone: 'bad' };
const UNSURE: Icon = { unicode: '?', ascii: '?', tone: 'warn' };
const IDLE: Icon = { unicode: '•', ascii: '-', tone: 'muted' };

const ICONS: Readonly<Record<string, Icon>> = {
  Healthy: GOOD,
  Successful: GOOD,
  Running: GOOD,
  Progressing: BUSY,
  Pending: BUSY,
  Terminating: { ...BUSY, tone: 'muted' },
  ContainerCreating: BUSY,
  Paused: PAUSED,
  Degraded: BAD,
  Failed: BAD,
  Error: ERROR,
  Inconclusive: UNSURE,
  ScaledDown: IDLE,
  Succeeded: IDLE,
  Unknown: { ...UNSURE, tone: 'muted' },
};

function iconOf(status: string): Icon {
  return ICONS[status] ?? BAD;
}

/** The icon alone, coloured. */
export function statusIcon(style: TerminalStyle, status: string): string {
  const icon = iconOf(status);
  return paint(style, icon.tone, style.unicode ? icon.unicode : icon.ascii);
}

/** Icon and word, e.g. `✔ Healthy`, coloured. */
export function statusLabel(style: TerminalStyle, status: string, iconStatus = status): string {
  const icon = iconOf(iconStatus);
  return paint(style, icon.tone, `${style.unicode ? icon.unicode : icon.ascii} ${status}`);
}

/** The four measurement-count icons: successful, failed, inconclusive, error. */
export function countIcons(style: TerminalStyle): [string, string, string, string] {
  return [GOOD, BAD, UNSURE, ERROR].map((icon) => paint(style, icon.tone, style.unicode ? icon.unicode : icon.ascii)) as [string, string, string, string];
}
