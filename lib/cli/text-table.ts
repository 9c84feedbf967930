/** One cell: its text, and how to colour it once padded (widths are measured on the text, never on escape codes). */
export interface Cell {
  readonly text: string;
  readonly paint?: (text: string) => string;
}

/**
 * Aligned columns for the terminal: every column but the last padded to its widest cell, two spaces apart, each
 * line indented by `indent`. The last column (a reason, an error) is never padded nor cut, so nothing is hidden.
 *
 * @example
 * textTable([[{ text: 'DONE' }, { text: 'orders/api' }], [{ text: 'SKIPPED' }, { text: 'orders/worker' }]], '  ')
 * // → '  DONE     orders/api\n  SKIPPED  orders/worker\n'
 */
export function textTable(rows: readonly (readonly Cell[])[], indent: string): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, column) => {
      widths[column] = Math.max(widths[column] ?? 0, cell.text.length);
    });
  }
  return rows
    .map((row) => {
      const cells = row.map((cell, column) => {
        const padded = column === row.length - 1 ? cell.text : cell.text.padEnd(widths[column] ?? 0);
        if (!cell.paint) return padded;
        // Colour the text only, not the padding (underlined or inverse styles would show it).
        return `${cell.paint(cell.text)}${padded.slice(cell.text.length)}`;
      });
      return `${indent}${cells.join('  ')}`.trimEnd();
    })
    .map((line) => `${line}\n`)
    .join('');
}
