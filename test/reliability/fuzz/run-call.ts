import type { Call } from './call.js';
import { codeOf } from './check.js';
import { show } from './random.js';

/** Runs `call` and checks its outcome (`where` names it in failures); whether it was rejected as allowed. */
export async function runCall(call: Call, where: string, hangMs: number): Promise<boolean> {
  let outcome: { ok: true; result: unknown } | { ok: false; error: unknown };
  let timer: NodeJS.Timeout | undefined;
  try {
    const hang = new Promise<never>((_, fail) => {
      timer = setTimeout(() => fail(new Error(`no answer within ${hangMs} ms`)), hangMs);
    });
    outcome = { ok: true, result: await Promise.race([call.run(), hang]) };
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('no answer within'))
      throw new Error(`${where}: hang`, { cause: error });
    outcome = { ok: false, error };
  } finally {
    clearTimeout(timer);
  }
  if (outcome.ok) {
    if (call.errors.length > 0 && !call.mayPass) {
      throw new Error(`${where}: succeeded (${show(outcome.result)}), expected ${call.errors.join(' or ')}`);
    }
    const problem = call.passed(outcome.result);
    if (problem) throw new Error(`${where}: ${problem}`);
    return false;
  }
  const code = codeOf(outcome.error);
  if (!call.errors.includes(code)) {
    const expected = call.errors.length > 0 ? call.errors.join(' or ') : 'success';
    throw new Error(
      `${where}: failed with ${code} (${(outcome.error as Error)?.message}), expected ${expected}`,
    );
  }
  return true;
}
