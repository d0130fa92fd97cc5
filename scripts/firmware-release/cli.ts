import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ReleaseError } from './release-error.js';

/** Option values by name: booleans, repeated strings or a string. */
export interface ParsedCommandLine<T> {
  values: { [K in keyof T]?: T[K] extends { type: 'boolean' } ? boolean : T[K] extends { multiple: true } ? string[] : string };
  positionals: string[];
}

/** Parses a command's arguments; unknown or malformed ones are a usage error with the usage text. */
export function parseCommandLine<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, usage: string): ParsedCommandLine<T> {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true }) as ParsedCommandLine<T>;
  } catch (error) {
    throw new ReleaseError('usage', `${(error as Error).message}\n${usage}`);
  }
}

/** Demands an option, naming it and showing the usage when it is missing. */
export function requireOption(value: string | undefined, name: string, usage: string): string {
  if (value === undefined || value === '') throw new ReleaseError('usage', `${name} is required\n${usage}`);
  return value;
}

/** Runs a command: a ReleaseError prints "error: …" and exits with its code; anything else exits 1. */
export function runCommand(main: (argv: string[]) => Promise<void>): void {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (error: unknown) => {
      if (error instanceof ReleaseError) {
        process.stderr.write(`error: ${error.message}\n`);
        process.exit(error.exitCode);
      }
      process.stderr.write(`error: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
