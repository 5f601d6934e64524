#!/usr/bin/env node
// The `nestjs-lmdb-cache` command. Exit codes: 0 done, 1 the command failed, 2 bad usage.
import { parseArgs } from 'node:util';
import { LmdbCacheError } from '../store/errors.js';
import { importLevelCommand, type CommandOutput } from './import-level.js';

const USAGE = `Usage: nestjs-lmdb-cache <command> [arguments]

Commands:
  import-level <from> <to>   Import a level-cache LevelDB directory <from> into the LMDB cache at <to>.
                             Keeps namespaces, values and expiries; skips expired records. <from> is
                             copied to the temp dir and read there, so it is never modified (stop the
                             process using it first). Needs the classic-level package installed.

Options:
  -h, --help                 Show this help.
`;

async function main(args: string[], output: CommandOutput): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    output.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const [command, ...operands] = parsed.positionals;
  if (parsed.values.help || command === undefined || command === 'help') {
    output.stdout.write(USAGE);
    return 0;
  }
  if (command !== 'import-level') {
    output.stderr.write(`unknown command: ${command}\n\n${USAGE}`);
    return 2;
  }
  if (operands.length !== 2) {
    output.stderr.write(`import-level takes exactly two arguments, <from> and <to>\n\n${USAGE}`);
    return 2;
  }
  try {
    await importLevelCommand(operands[0], operands[1], output);
    return 0;
  } catch (error) {
    if (!(error instanceof LmdbCacheError)) throw error;
    const cause = error.cause instanceof Error ? `\n  cause: ${error.cause.message}` : '';
    output.stderr.write(`nestjs-lmdb-cache: ${error.message}${cause}\n`);
    return 1;
  }
}

// exitCode rather than exit(): stdout is flushed and lmdb's handles are closed before the process ends.
process.exitCode = await main(process.argv.slice(2), process);
