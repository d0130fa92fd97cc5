/**
 * Signs a firmware image into a manifest entry (FirmwareRelease):
 *   npx tsx scripts/firmware-release/sign-release.ts <image.bin> --version 1.2.0 --board tokkatot-node-esp32
 *     --channel beta --min-hw 1 --notes "…" --key <private-key.pem> [--out manifest.json] [--simulator]
 * The version must be the one compiled into the image. Prints the manifest unless --out is given.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { FIRMWARE_IMAGE_MAX_BYTES } from '@tokkatot/shared';
import { parseCommandLine, requireOption, runCommand } from './cli.js';
import { makeSignedRelease } from './make-manifest.js';
import { ReleaseError } from './release-error.js';
import { loadReleaseKey } from './release-key.js';

const USAGE =
  'usage: sign-release.ts <image.bin> --version <x.y.z> --board tokkatot-node-esp32 --channel beta|stable --min-hw <0-255> --key <private-key.pem> [--notes <text>] [--out <manifest.json>] [--simulator]';

runCommand(async (argv) => {
  const { values, positionals } = parseCommandLine(
    argv,
    {
      version: { type: 'string' },
      board: { type: 'string' },
      channel: { type: 'string' },
      'min-hw': { type: 'string' },
      notes: { type: 'string', default: '' },
      key: { type: 'string' },
      out: { type: 'string' },
      simulator: { type: 'boolean', default: false },
    },
    USAGE,
  );
  if (positionals.length !== 1) throw new ReleaseError('usage', `one image file is required\n${USAGE}`);
  const imagePath = positionals[0]!;
  const minHw = requireOption(values['min-hw'], '--min-hw', USAGE);
  if (!/^\d{1,3}$/.test(minHw)) throw new ReleaseError('usage', `--min-hw ${JSON.stringify(minHw)}: must be a hardware revision 0-255`);
  const key = loadReleaseKey(requireOption(values.key, '--key', USAGE));
  const image = readImage(imagePath);
  const { release, identity } = makeSignedRelease(
    image,
    {
      version: requireOption(values.version, '--version', USAGE),
      board: requireOption(values.board, '--board', USAGE),
      channel: requireOption(values.channel, '--channel', USAGE),
      minHardwareRevision: Number(minHw),
      notes: values.notes ?? '',
    },
    key,
    Date.now(),
    values.simulator === true,
  );
  const json = `${JSON.stringify(release, null, 2)}\n`;
  if (values.out) writeFileSync(values.out, json);
  else process.stdout.write(json);
  process.stderr.write(`signed ${release.board} ${release.version} (${identity.kind} image, ${release.size} bytes, sha256 ${release.sha256}) with key ${release.signature.keyId}${values.out ? ` → ${values.out}` : ''}\n`);
});

/** Reads the image, refusing before loading anything larger than a slot. */
function readImage(path: string): Buffer {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (error) {
    throw new ReleaseError('invalid_image', `cannot read the image ${path}: ${(error as Error).message}`);
  }
  if (size > FIRMWARE_IMAGE_MAX_BYTES) throw new ReleaseError('invalid_image', `the image has ${size} bytes; an OTA slot takes at most ${FIRMWARE_IMAGE_MAX_BYTES}`);
  return readFileSync(path);
}
