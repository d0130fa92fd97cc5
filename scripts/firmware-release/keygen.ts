/**
 * Makes a release signing key:
 *   npx tsx scripts/firmware-release/keygen.ts <private-key.pem>
 * Writes the private key (mode 0600, never over an existing file) and prints the public key and
 * its key id, which farms and the publishing step are configured to trust.
 */
import { parseCommandLine, runCommand } from './cli.js';
import { ReleaseError } from './release-error.js';
import { generateReleaseKey, writePrivateKey } from './release-key.js';

const USAGE = 'usage: keygen.ts <private-key.pem>   (keep it offline or as a CI secret, never in the repository)';

runCommand(async (argv) => {
  const { positionals } = parseCommandLine(argv, {}, USAGE);
  if (positionals.length !== 1) throw new ReleaseError('usage', USAGE);
  const key = generateReleaseKey();
  writePrivateKey(positionals[0]!, key);
  process.stdout.write(`publicKey=${key.publicKey}\nkeyId=${key.keyId}\n`);
  process.stderr.write(`private key written to ${positionals[0]} (mode 0600); add publicKey to FIRMWARE_RELEASE_KEYS where releases are checked\n`);
});
