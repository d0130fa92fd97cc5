/**
 * Moves a published release to another channel in versions.json:
 *   npx tsx scripts/firmware-release/promote.ts --board tokkatot-node-esp32 --version 1.2.0 --channel stable
 * Bucket from the same S3_* variables as publish.ts. No signature is needed: the channel is not signed.
 */
import { FirmwareBoardSchema, FirmwareChannelSchema, FirmwareVersionSchema } from '@tokkatot/shared';
import { parseCommandLine, requireOption, runCommand } from './cli.js';
import { promoteRelease } from './promote-release.js';
import { ReleaseBucket, readBucketConfig } from './release-bucket.js';
import { ReleaseError } from './release-error.js';

const USAGE = 'usage: promote.ts --board tokkatot-node-esp32 --version <x.y.z> --channel beta|stable   (bucket from S3_* variables)';

runCommand(async (argv) => {
  const { values, positionals } = parseCommandLine(argv, { board: { type: 'string' }, version: { type: 'string' }, channel: { type: 'string' } }, USAGE);
  if (positionals.length > 0) throw new ReleaseError('usage', USAGE);
  const board = FirmwareBoardSchema.safeParse(requireOption(values.board, '--board', USAGE));
  const version = FirmwareVersionSchema.safeParse(requireOption(values.version, '--version', USAGE));
  const channel = FirmwareChannelSchema.safeParse(requireOption(values.channel, '--channel', USAGE));
  if (!board.success || !version.success || !channel.success) throw new ReleaseError('usage', `--board, --version or --channel is not valid\n${USAGE}`);
  const config = readBucketConfig(process.env);
  const bucket = ReleaseBucket.open(config);
  try {
    const outcome = await promoteRelease(bucket, board.data, version.data, channel.data);
    process.stdout.write(`${outcome === 'changed' ? 'promoted' : 'already'} ${board.data} ${version.data} on ${channel.data}\n`);
  } finally {
    bucket.destroy();
  }
});
