import type { Call } from './call.js';
import { same } from './check.js';
import type { Space } from './context.js';
import type { Expiry } from './model.js';
import type { Input } from './random.js';

/** A write's problems: which codes it may fail with, and whether it may also succeed (by removing). */
export function writeProblems(
  keyInput: Input,
  valueInput: Input,
  expiry: Expiry,
): { errors: string[]; mayPass: boolean } {
  const errors: string[] = [];
  if (!keyInput.valid) errors.push('ERR_INVALID_KEY');
  if (expiry === 'invalid') errors.push('ERR_INVALID_TTL');
  if (!valueInput.valid) errors.push('ERR_VALUE_NOT_SERIALIZABLE');
  // A TTL <= 0 removes the key whatever the value: the engine may reject the value or just remove.
  const mayPass = keyInput.valid && expiry === 'remove' && errors.length === 1;
  return { errors, mayPass };
}

/** A single write of `k` → `v`; a success must return `returns[1]` and lands in the model. */
export function setCall(
  { model, segments }: Space,
  label: string,
  [k, v, expiry]: [Input, Input, Expiry],
  run: () => Promise<unknown>,
  returns: [string, unknown] = ['result', undefined],
): Call {
  return {
    label,
    run,
    ...writeProblems(k, v, expiry),
    passed: (result) => {
      model.write(segments, k.value as string, v.value, expiry as number | 'remove');
      return same(returns[0], result, returns[1]);
    },
  };
}

/** Collects a multi-write's allowed errors and its model writes, one operation at a time. */
export class WriteBatch {
  private readonly errors = new Set<string>();
  private mayPass = true;
  private readonly writes: { key: string; value: unknown; expiry: number | 'remove' }[] = [];
  constructor(private readonly space: Space) {}

  /** An operation that makes the whole call fail with `code`. */
  refuse(code: string): void {
    this.errors.add(code);
    this.mayPass = false;
  }

  /** A delete of `k`. */
  del(k: Input): void {
    if (!k.valid) this.refuse('ERR_INVALID_KEY');
    this.writes.push({ key: k.value as string, value: undefined, expiry: 'remove' });
  }

  /** A put of `k` → `v`, running out at `expiry`. */
  put(k: Input, v: Input, expiry: Expiry): void {
    const problems = writeProblems(k, v, expiry);
    problems.errors.forEach((code) => this.errors.add(code));
    if (problems.errors.length > 0 && !problems.mayPass) this.mayPass = false;
    this.writes.push({ key: k.value as string, value: v.value, expiry: expiry as number | 'remove' });
  }

  /** The call: it may fail with any collected code; a success applies every write, then checks `result`. */
  call(
    label: string,
    run: () => Promise<unknown>,
    check: (result: unknown) => string | undefined = (result) => same('result', result, undefined),
  ): Call {
    const { model, segments } = this.space;
    return {
      label,
      run,
      errors: [...this.errors],
      mayPass: this.errors.size > 0 && this.mayPass,
      passed: (result) => {
        for (const write of this.writes) model.write(segments, write.key, write.value, write.expiry);
        return check(result);
      },
    };
  }
}
