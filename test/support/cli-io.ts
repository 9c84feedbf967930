/**
 * The CLI's input and output for tests that call `main` in-process: what it prints is collected in `out`, files are
 * read from disk (event files given by path), and `sleep` (for `--wait`) can be replaced.
 */
import { readFile } from 'node:fs/promises';

export function capturedCliIo(env: Record<string, string | undefined>, sleep?: (ms: number) => Promise<void>) {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: {
      stdout: (text: string) => {
        out.stdout += text;
      },
      stderr: (text: string) => {
        out.stderr += text;
      },
      env,
      readText: (path: string) => readFile(path, 'utf8'),
      ...(sleep ? { sleep } : {}),
    },
  };
}
