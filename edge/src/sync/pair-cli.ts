/**
 * `tsx edge/src/sync/pair-cli.ts --cloud https://… --db /var/lib/tokkatot/edge.db --name "Farm Pi"`:
 * shows the claim code, waits until the owner enters it in the cloud, stores the credential.
 */
import { parseArgs } from 'node:util';
import { openSyncDatabase } from '../db/sync/open-sync-database.js';
import { SyncStateStore } from '../db/sync/sync-state-store.js';
import { PairingClient } from './pairing-client.js';

const { values } = parseArgs({ options: { cloud: { type: 'string' }, db: { type: 'string' }, name: { type: 'string', default: 'Tokkatot edge' } } });
if (!values.cloud || !values.db) {
  process.stderr.write('usage: pair-cli --cloud URL --db PATH [--name NAME]\n');
  process.exit(2);
}
const db = openSyncDatabase(values.db);
const pairing = new PairingClient(values.cloud, new SyncStateStore(db));
if (pairing.credential()) {
  process.stdout.write(`already paired as ${pairing.credential()!.edgeId}\n`);
  process.exit(0);
}
const { claimCode, expiresAt } = await pairing.claimCode(values.name);
process.stdout.write(`Claim code: ${claimCode}  (enter it in the Tokkatot cloud before ${new Date(expiresAt).toLocaleTimeString()})\n`);
for (;;) {
  const state = await pairing.poll();
  if (state === 'paired') {
    process.stdout.write(`paired as ${pairing.credential()!.edgeId}\n`);
    break;
  }
  if (state === 'expired') {
    process.stderr.write('the claim code expired; run again for a new one\n');
    process.exit(1);
  }
  await new Promise((resolve) => setTimeout(resolve, 3000));
}
db.close();
