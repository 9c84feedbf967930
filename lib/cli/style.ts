/**
 * Colour for the CLI's human output. Colour is a reading aid on a terminal and noise anywhere else, so it is on only
 * when standard output is a terminal, and then off when `NO_COLOR` is set to anything but the empty string
 * (https://no-color.org), when `FORCE_COLOR=0`, or when `TERM=dumb`. `FORCE_COLOR=1` does not turn it on for a pipe:
 * a file or a script never receives escape codes.
 */

/** What the human output is styled with: each function wraps text, or returns it unchanged without colour. */
export interface Style {
  readonly color: boolean;
  readonly bold: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly red: (text: string) => string;
  readonly green: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly cyan: (text: string) => string;
}

/**
 * Whether to colour output written to a stream (`isTTY`) under `env`.
 *
 * @example
 * useColor(true, { NO_COLOR: '1' }) // → false
 * useColor(false, {}) // → false (a pipe or a file)
 */
export function useColor(isTTY: boolean | undefined, env: Readonly<Record<string, string | undefined>>): boolean {
  if (isTTY !== true) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false') return false;
  return env.TERM !== 'dumb';
}

const sgr = (open: number, close: number) => (text: string) => (text === '' ? text : `\u001b[${open}m${text}\u001b[${close}m`);
const plain = (text: string) => text;

/** A {@link Style} with colour, or one that leaves text as it is. */
export function createStyle(color: boolean): Style {
  if (!color) return { color, bold: plain, dim: plain, red: plain, green: plain, yellow: plain, cyan: plain };
  return { color, bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), cyan: sgr(36, 39) };
}

/** The style without colour (the default of every formatter: tests, the demo's pipes, `--quiet`). */
export const PLAIN: Style = createStyle(false);
