import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Options every scenario module receives from `run.ts`. */
export interface BenchOptions {
  /** Smaller data sets for a fast run; repetitions stay at {@link MIN_REPS} or more. */
  quick: boolean;
}

/** A scenario module's entry: measures, then returns what to print. */
export type Scenario = (options: BenchOptions) => Promise<Report>;

/** One timed repetition: `ops` operations done in `ms` milliseconds of wall-clock time. */
export interface Repetition {
  ops: number;
  ms: number;
  /** True when a time budget stopped it before the operations it planned (its rate is over the ops done). */
  bounded?: boolean;
}

/** A measured case: ops/s of each repetition and their summary. All rates in operations per second. */
export interface Row {
  name: string;
  /** Operations in each repetition (the mean, when a time budget made them differ). */
  opsPerRep: number;
  /** ops/s of each repetition, in run order. */
  rates: number[];
  median: number;
  min: number;
  max: number;
  /** Half the min–max range as a percentage of the median: a rough noise figure, not a confidence interval. */
  halfRangePct: number;
  /** Median wall-clock milliseconds of one repetition. */
  medianMs: number;
  /** True when a time budget stopped at least one repetition early: the table marks the row with `*`. */
  bounded?: boolean;
}

/** What a scenario hands back to `run.ts`: one table, its footnotes and its ratio lines. */
export interface Report {
  title: string;
  rows: Row[];
  notes: string[];
  ratios: string[];
  /** Adds a `ms/rep (median)` column, for cases whose unit of work is the whole repetition (e.g. one sweep). */
  showMsPerRep?: boolean;
  /** Figures that are not rates (bytes, ms), printed after `rows`; a report may have only these (`rows: []`). */
  tables?: Table[];
}

/** A table of preformatted cells: the first column is text (left-aligned), the others numbers (right). */
export interface Table {
  header: string[];
  rows: string[][];
}

/** Fewer than 3 repetitions gives no usable median or spread, so even `--quick` keeps 3. */
export const MIN_REPS = 3;

/**
 * Times `body` with a monotonic clock. `body` returns the number of operations it did, so a case
 * bounded by a time budget can report how far it got.
 * @returns ops done and elapsed milliseconds
 */
export async function timed(body: () => Promise<number> | number): Promise<Repetition> {
  const start = process.hrtime.bigint();
  const ops = await body();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { ops, ms };
}

/** A case for {@link measure}: `repetition` does its own untimed setup and teardown around one {@link timed}. */
export interface Case {
  name: string;
  /** `rep` is the recorded repetition's index, negative for warm-up runs. */
  repetition: (rep: number) => Promise<Repetition>;
}

/**
 * Runs each case `warmup` times unrecorded (so the JIT has compiled the hot path), then `reps` recorded
 * rounds. Cases are interleaved round by round, each round starting with the next case, so slow drift of
 * a shared machine (other tenants, page cache, CPU frequency) lands on every case instead of on
 * whichever ran last.
 * @param reps recorded repetitions per case, at least {@link MIN_REPS}
 * @returns one row per case, in the order given, summarising ops/s of its recorded repetitions
 */
export async function measure(
  cases: readonly Case[],
  { reps = MIN_REPS, warmup = 1 }: { reps?: number; warmup?: number } = {},
): Promise<Row[]> {
  if (reps < MIN_REPS) throw new RangeError(`at least ${MIN_REPS} repetitions are needed, got ${reps}`);
  process.stderr.write(`  ${cases.map((c) => c.name).join(' | ')} …`);
  for (const c of cases) for (let i = 0; i < warmup; i++) await c.repetition(-1 - i);
  const results: Repetition[][] = cases.map(() => []);
  for (let rep = 0; rep < reps; rep++) {
    for (let k = 0; k < cases.length; k++) {
      const index = (rep + k) % cases.length;
      results[index].push(await cases[index].repetition(rep));
    }
  }
  process.stderr.write(' done\n');
  return cases.map((c, i) => summarise(c.name, results[i]));
}

function summarise(name: string, results: readonly Repetition[]): Row {
  const rates = results.map(({ ops, ms }) => (ops * 1000) / ms);
  const median = middle(rates);
  const min = Math.min(...rates);
  const max = Math.max(...rates);
  const opsPerRep = Math.round(results.reduce((sum, r) => sum + r.ops, 0) / results.length);
  const halfRangePct = ((max - min) / 2 / median) * 100;
  return {
    name,
    opsPerRep,
    rates,
    median,
    min,
    max,
    halfRangePct,
    medianMs: middle(results.map((r) => r.ms)),
    bounded: results.some((r) => r.bounded === true),
  };
}

/** Median, minimum and maximum of some measurements, in their unit. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** The {@link Spread} of `values` (at least one). */
export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new RangeError('no values to summarise');
  return { median: middle(values), min: Math.min(...values), max: Math.max(...values) };
}

function middle(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The row called `name`, for ratios computed outside {@link ratioLine}.
 * @throws Error when no row has that name (a renamed case would otherwise print a silent NaN)
 */
export function rowNamed(rows: readonly Row[], name: string): Row {
  const row = rows.find((r) => r.name === name);
  if (!row) throw new Error(`no row named ${JSON.stringify(name)}`);
  return row;
}

/** Which two rows of a report {@link ratioLine} compares, and how to label the line. */
export interface RatioSpec {
  label: string;
  /** Row names, as given to {@link measure}. */
  ours: string;
  peer: string;
  /** Text naming the quotient, e.g. `'LmdbStore / raw lmdb'`; defaults to `'<ours> / <peer>'`. */
  as?: string;
  /** Minimum acceptable ratio; omit for an informative ratio. */
  target?: number;
}

/**
 * The line `get: LmdbStore / raw lmdb = 0.93x (target >= 0.8x) ok` from the medians (ops/s) of two rows.
 * Both rows must come from the same run: a ratio across runs mixes in machine noise.
 */
export function ratioLine(rows: readonly Row[], { label, ours, peer, as, target }: RatioSpec): string {
  const ratio = rowNamed(rows, ours).median / rowNamed(rows, peer).median;
  const verdict = target === undefined ? '' : ` (target >= ${target}x) ${ratio >= target ? 'ok' : 'MISSED'}`;
  return `${label}: ${as ?? `${ours} / ${peer}`} = ${formatRatio(ratio)}x${verdict}`;
}

/**
 * The line `heap above empty: 4.7 MiB (target < 64 MiB) ok`, for a figure whose target is an upper bound.
 * @param value and `limit` in `unit`; printed with one decimal
 */
export function limitLine(label: string, value: number, limit: number, unit: string): string {
  return `${label}: ${value.toFixed(1)} ${unit} (target < ${limit} ${unit}) ${value < limit ? 'ok' : 'MISSED'}`;
}

/** The note under a table with bounded rows, which {@link formatReport} adds for a rate table. */
export const BOUNDED_NOTE =
  '`*`: a time budget stopped at least one repetition before all its operations; the rate is over the ' +
  'operations done in the time taken.';

/**
 * The report as markdown: the rate table (ops/s median, range, noise; ms per repetition if asked) when it has
 * rows (a row stopped by a time budget gets a `*` after ops/rep, and {@link BOUNDED_NOTE}), then its other
 * tables, notes and ratios.
 */
export function formatReport({
  title,
  rows,
  notes,
  ratios,
  showMsPerRep = false,
  tables = [],
}: Report): string {
  const msColumn = showMsPerRep ? ['ms/rep (median)'] : [];
  const header = ['case', 'ops/rep', ...msColumn, 'ops/s (median)', 'min – max ops/s', '±'];
  const body = rows.map((r) => [
    r.name,
    `${formatCount(r.opsPerRep)}${r.bounded ? ' *' : ''}`,
    ...(showMsPerRep ? [r.medianMs.toFixed(1)] : []),
    formatCount(r.median),
    `${formatCount(r.min)} – ${formatCount(r.max)}`,
    `${r.halfRangePct.toFixed(1)}%`,
  ]);
  const rateTable = rows.length ? [formatTable({ header, rows: body }), ''] : [];
  return [
    `## ${title}`,
    '',
    ...rateTable,
    ...tables.flatMap((table) => [formatTable(table), '']),
    ...[...notes, ...(rows.some((r) => r.bounded) ? [BOUNDED_NOTE] : [])].map((n) => `- ${n}`),
    ...(ratios.length ? ['', ...ratios] : []),
    '',
  ].join('\n');
}

function formatTable({ header, rows }: Table): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((cells) => cells[i].length)));
  // Text left, numbers right, so magnitudes line up by eye.
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? ` ${'-'.repeat(w)} ` : ` ${'-'.repeat(w - 1)}: `)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/**
 * Runs `body` with a fresh directory under `os.tmpdir()`, removed afterwards even if `body` throws.
 * Close every store opened in it before `body` returns.
 */
export async function withTempDir<T>(prefix: string, body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), `${prefix}-`));
  try {
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `1234567.8` → `1,234,568`. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** `4_928_307` bytes → `4.7 MiB` (2^20 bytes). */
export function formatMiB(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** A ratio with two or three significant digits: `0.93`, `1.4`, `27`. */
export function formatRatio(ratio: number): string {
  if (ratio >= 10) return ratio.toFixed(0);
  if (ratio >= 1) return ratio.toFixed(1);
  return ratio.toFixed(2);
}
