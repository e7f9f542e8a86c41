/**
 * How output looks on this terminal: colours and Unicode icons on a TTY, plain ASCII text when
 * stdout is piped or NO_COLOR is set (https://no-color.org), and the ANSI sequences a watch uses to
 * redraw in place. Pure: the decision takes the TTY flag and the environment as arguments.
 */

export interface TerminalStyle {
  /** ANSI colours (SGR sequences). */
  color: boolean;
  /** Unicode icons and tree lines; ASCII otherwise. */
  unicode: boolean;
}

export const PLAIN_STYLE: TerminalStyle = { color: false, unicode: false };

/** Colours and Unicode only on a TTY whose TERM is not `dumb` and without NO_COLOR. */
export function detectStyle(isTty: boolean, env: NodeJS.ProcessEnv): TerminalStyle {
  const fancy = isTty && env.TERM !== 'dumb' && (env.NO_COLOR === undefined || env.NO_COLOR === '');
  return { color: fancy, unicode: fancy };
}

export type Tone = 'good' | 'warn' | 'bad' | 'muted' | 'info' | 'bold';

const SGR: Readonly<Record<Tone, string>> = {
  good: '32',
  warn: '33',
  bad: '31',
  muted: '90',
  info: '36',
  bold: '1',
};

/** `text` in the tone's colour when colours are on; unchanged otherwise. */
export function paint(style: TerminalStyle, tone: Tone | undefined, text: string): string {
  if (!style.color || tone === undefined || text === '') return text;
  return `\u001b[${SGR[tone]}m${text}\u001b[0m`;
}

// eslint-disable-next-line no-control-regex
const ANSI_PATTERN = /\u001b\[[0-9;?]*[A-Za-z]/g;

/** Drops ANSI escape sequences (for widths and for tests). */
export function stripAnsi(text: string): string {
  return text.replace(ANSI_PATTERN, '');
}

/** Display width of a string without its escape sequences (icons used here are one column wide). */
export function visibleWidth(text: string): number {
  return [...stripAnsi(text)].length;
}

/** Pads on the right to `width` visible columns. */
export function padVisible(text: string, width: number): string {
  const gap = width - visibleWidth(text);
  return gap > 0 ? `${text}${' '.repeat(gap)}` : text;
}

export const ANSI = {
  /** Cursor to the top-left corner. */
  home: '\u001b[H',
  /** Clear from the cursor to the end of the line. */
  clearLine: '\u001b[K',
  /** Clear from the cursor to the end of the screen. */
  clearBelow: '\u001b[J',
  /** Clear the whole screen (first frame only). */
  clearScreen: '\u001b[2J',
  hideCursor: '\u001b[?25l',
  showCursor: '\u001b[?25h',
} as const;

/**
 * One in-place frame: cursor home, each line followed by clear-to-end-of-line, then clear below.
 * Nothing is blanked before it is overwritten, so the screen does not flicker.
 */
export function buildFrame(text: string, first: boolean): string {
  const lines = text.replace(/\n$/, '').split('\n');
  const body = lines.map((line) => `${line}${ANSI.clearLine}`).join('\n');
  return `${first ? ANSI.clearScreen : ''}${ANSI.home}${body}\n${ANSI.clearBelow}`;
}
