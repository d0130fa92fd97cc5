import { Command } from 'commander';
import { readPassword } from './read-password.js';
import { runPair, type PairOptions } from './pair.js';
import { runBackup, runRestore, runStatus, runUserAdd, runUserReset, type CliIo } from './commands.js';

/** Builds the `tokkatot` command line (exported so tests can run it in-process). */
export function buildCli(io: CliIo): Command {
  const program = new Command('tokkatot')
    .description('Tokkatot edge controller: status, users, backup and restore')
    .option('-c, --config <file>', 'configuration file (default ./tokkatot.json or $TOKKATOT_CONFIG)')
    .showHelpAfterError()
    .exitOverride();
  const context = () => ({ configFile: program.opts<{ config?: string }>().config });

  program.command('status').description('show the store, users, nodes and whether the edge answers').action(() => runStatus(context(), io));

  const user = program.command('user').description('manage local users');
  user
    .command('add')
    .description('add a user; the password is read from stdin or asked for')
    .requiredOption('-u, --username <name>', 'user name (a–z, 0–9, . _ -)')
    .requiredOption('-r, --role <role>', 'owner | manager | worker | viewer')
    .option('-n, --display-name <name>', 'name shown in the app')
    .action((options: { username: string; role: string; displayName?: string }) => runUserAdd(context(), options, io));
  user
    .command('reset')
    .argument('<username>')
    .description('set a new password, lift a lockout and sign the user out everywhere')
    .action((username: string) => runUserReset(context(), username, io));

  program
    .command('backup')
    .description('online backup of the database (the edge may keep running)')
    .option('-o, --out <path>', 'file (.db) or folder; default <dataDir>/backups')
    .action((options: { out?: string }) => runBackup(context(), options.out, io));
  program
    .command('restore')
    .argument('<file>', 'backup file')
    .description('replace the database with a checked backup (stop the edge first)')
    .option('--force', 'restore even though the edge answers on its port')
    .action((file: string, options: { force?: boolean }) => runRestore(context(), file, options, io));
  program
    .command('pair')
    .description('pair this edge with the Tokkatot cloud: prints a claim code and waits until the owner enters it')
    .option('--cloud <url>', 'cloud URL (default cloud.url from the configuration)')
    .option('-n, --name <name>', 'name shown in the cloud (default the farm name)')
    .option('--timeout <seconds>', 'give up after this long', '900')
    .option('--poll-seconds <seconds>', 'seconds between checks', '3')
    .action((options: PairOptions) => runPair(context(), options, io));
  return program;
}

/** Runs the CLI; returns the exit code. */
export async function runCli(argv: string[], io: CliIo = { out: (line) => process.stdout.write(`${line}\n`), readPassword }): Promise<number> {
  try {
    await buildCli(io).parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    const err = error as { code?: string; exitCode?: number; message?: string };
    if (typeof err.code === 'string' && err.code.startsWith('commander.')) return err.exitCode ?? 1;
    process.stderr.write(`tokkatot: ${err.message ?? String(error)}\n`);
    return 1;
  }
}
