import { importLevelCache, type LevelImportProgress } from '../compat/level-importer.js';

/** Where a command writes: stdout for results, stderr for progress and errors (`isTTY` as on a stream). */
export interface CommandOutput {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
}

/** Shows import progress on a stream: see {@link progressReporter}. */
export interface ProgressReporter {
  /** Records the latest totals; prints them if it is time to. */
  update(progress: LevelImportProgress): void;
  /** Ends the display (on a TTY, moves past the updating line). */
  done(): void;
}

const formatter = new Intl.NumberFormat('en-US');
const count = (n: number) => formatter.format(n);

/**
 * Progress on `stream`: on a TTY one line rewritten in place (`\r`) at most every `ttyEveryMs`; elsewhere
 * (a log, a pipe) a new line at most every `lineEveryMs`, so logs stay short. Nothing is printed before
 * the first period has passed, so small imports show no progress at all.
 * @param clock epoch ms, injectable for tests
 */
export function progressReporter(
  stream: CommandOutput['stderr'],
  clock: () => number = Date.now,
  { ttyEveryMs = 100, lineEveryMs = 1_000 } = {},
): ProgressReporter {
  const tty = stream.isTTY === true;
  const every = tty ? ttyEveryMs : lineEveryMs;
  let last = clock();
  let shown = false;
  return {
    update(progress) {
      if (clock() - last < every) return;
      last = clock();
      const line = `read ${count(progress.read)} records: ${count(progress.imported)} imported, ${count(progress.expired)} expired, ${count(progress.skipped)} skipped`;
      // \x1b[K clears what a longer earlier line left on the right.
      stream.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
      shown = true;
    },
    done() {
      if (tty && shown) stream.write('\n');
    },
  };
}

/**
 * `nestjs-lmdb-cache import-level <from> <to>`: imports, showing progress on stderr, then prints one summary
 * line on stdout.
 * @throws LmdbCacheError as {@link importLevelCache} does; the caller turns it into exit code 1.
 */
export async function importLevelCommand(from: string, to: string, output: CommandOutput): Promise<void> {
  const reporter = progressReporter(output.stderr);
  let result: LevelImportProgress;
  try {
    result = await importLevelCache({ from, to, onProgress: (progress) => reporter.update(progress) });
  } finally {
    reporter.done();
  }
  const entries = result.imported === 1 ? 'entry' : 'entries';
  output.stdout.write(
    `imported ${count(result.imported)} ${entries} (${count(result.expired)} expired skipped, ` +
      `${count(result.skipped)} not level-cache records) from ${from} into ${to}\n`,
  );
}
