import { chmodSync, existsSync, mkdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePiRoot, piSetup } from './support/pi-root.js';
import { run, type RunResult } from './support/run.js';
import { snapshotTree } from './support/tree.js';

const pi = makePiRoot();
const release = pi.release('2.0.0');
const at = (path: string) => join(pi.root, path);
const read = (path: string) => readFileSync(at(path), 'utf8');
const mode = (path: string) => (statSync(at(path)).mode & 0o777).toString(8);

let first: RunResult;
let second: RunResult;
let afterFirst: Record<string, string>;
let afterSecond: Record<string, string>;

beforeAll(async () => {
  first = await piSetup(['--root', pi.root, '--release', release, '--node', 'coop1-fan', '--node', 'coop1-sensor']);
  afterFirst = snapshotTree(pi.root);
  second = await piSetup(['--root', pi.root, '--release', release]);
  afterSecond = snapshotTree(pi.root);
});

afterAll(() => rmSync(pi.base, { recursive: true, force: true }));

describe('pi-setup.sh in root mode', () => {
  it('finishes and prints a status summary', () => {
    expect(first.stderr).not.toMatch(/warning|error/i);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/== status[\s\S]*broker users\s+tokkatot-edge \+ 2 node\(s\)/);
    expect(first.stdout).toContain('LAN web app      http://');
  });

  it('records the service user, ownership, packages and enabled units instead of touching the host', () => {
    expect(read('var/lib/tokkatot-setup/host-actions').trim().split('\n')).toEqual(
      expect.arrayContaining([
        'user tokkatot system home=/var/lib/tokkatot shell=/usr/sbin/nologin groups=dialout,gpio',
        'unit-enable tokkatot-edge.service',
        'unit-enable tokkatot-firewall.service',
        'unit-enable mosquitto.service',
        'unit-enable systemd-timesyncd.service',
        'unit-enable tokkatot-backup.timer',
        'owner tokkatot:tokkatot /var/lib/tokkatot',
        'owner root:mosquitto /etc/mosquitto/tokkatot.passwd',
        expect.stringMatching(/^apt-install mosquitto .*nftables/),
      ]),
    );
    expect(first.stdout).toContain('would run: systemctl restart tokkatot-edge.service');
  });

  it('installs the edge as a systemd service that restarts on failure, has a watchdog and logs to journald', () => {
    const unit = read('etc/systemd/system/tokkatot-edge.service');
    for (const line of ['Type=notify', 'User=tokkatot', 'SupplementaryGroups=dialout gpio', 'Restart=on-failure', 'WatchdogSec=60', 'StandardOutput=journal', 'ExecStart=/opt/tokkatot/bin/edge-supervise.sh', 'WorkingDirectory=/opt/tokkatot/current/edge', 'ReadWritePaths=/var/lib/tokkatot /var/log/tokkatot', 'WantedBy=multi-user.target']) {
      expect(unit).toContain(line);
    }
    expect(unit).not.toMatch(/@[A-Z_]+@/);
    expect(read('etc/tokkatot/edge.env')).toContain('TOKKATOT_DATA_DIR=/var/lib/tokkatot');
    expect(mode('opt/tokkatot/bin/edge-supervise.sh')).toBe('755');
  });

  it('creates one broker user per node, each with its own password, and the ACL of the specification', () => {
    const users = read('etc/mosquitto/tokkatot.passwd').trim().split('\n').map((line) => line.split(':')[0]);
    expect(users.sort()).toEqual(['coop1-fan', 'coop1-sensor', 'tokkatot-edge']);
    const passwords = ['coop1-fan', 'coop1-sensor', 'tokkatot-edge'].map((user) => read(`etc/tokkatot/mqtt/${user}.password`));
    expect(new Set(passwords).size).toBe(3);
    for (const password of passwords) expect(password).toMatch(/^[A-Za-z0-9]{20,}$/);
    expect(mode('etc/tokkatot/mqtt/coop1-fan.password')).toBe('640');
    const acl = read('etc/mosquitto/tokkatot.acl');
    expect(acl).toContain('pattern readwrite tokkatot/+/node/%u/#');
    expect(acl).toMatch(/user tokkatot-edge\ntopic readwrite tokkatot\/#/);
    expect(read('etc/mosquitto/conf.d/tokkatot.conf')).toMatch(/allow_anonymous false[\s\S]*acl_file \/etc\/mosquitto\/tokkatot.acl/);
  });

  it('installs the release, the data folder, log rotation and the LAN firewall', () => {
    expect(readlinkSync(at('opt/tokkatot/current'))).toBe('releases/2.0.0');
    expect(mode('var/lib/tokkatot')).toBe('750');
    expect(read('etc/logrotate.d/tokkatot')).toContain('/var/log/tokkatot/*.log {');
    const nft = read('etc/tokkatot/nftables.nft');
    expect(nft).toContain('policy drop;');
    expect(nft).toContain('ip saddr @lan4 tcp dport 1883 accept');
    expect(nft).toContain('ip saddr @lan4 tcp dport 8080 accept');
    expect(read('etc/systemd/system/tokkatot-firewall.service')).toContain('ExecStart=/usr/sbin/nft -f /etc/tokkatot/nftables.nft');
    expect(read('etc/systemd/system/tokkatot-backup.timer')).toContain('OnCalendar=*-*-* 03:00:00');
    expect(mode('etc/tokkatot/backup.env')).toBe('640');
    expect(first.stdout).toContain('backup: not configured: set EDGE_BACKUP_DESTINATION');
  });

  it('writes a LAN firewall that nft accepts in check mode (nothing is loaded), and nft would catch a broken one', async () => {
    const nft = async (file: string) => {
      const result = await run('nft', ['-c', '-f', file]).catch((error: Error) => {
        throw new Error(`nft is missing (apt-get install -y nftables): ${error.message}`);
      });
      return result;
    };
    const good = await nft(at('etc/tokkatot/nftables.nft'));
    expect(good.stderr).toBe('');
    expect(good.code).toBe(0);
    const broken = join(pi.base, 'broken.nft');
    writeFileSync(broken, read('etc/tokkatot/nftables.nft').replace('tcp dport 1883', 'tcp dporrt 1883'));
    expect((await nft(broken)).code).not.toBe(0);
  });

  it('changes nothing and restarts nothing when run a second time', () => {
    expect(second.code).toBe(0);
    expect(afterSecond).toEqual(afterFirst);
    expect(second.stdout).not.toMatch(/wrote:|created:|linked:|systemctl (restart|reload)/);
    expect(second.stdout).toContain('broker users     tokkatot-edge + 2 node(s)');
  });

  it('adds a new node on a later run without touching the passwords of the others', async () => {
    const before = read('etc/tokkatot/mqtt/coop1-fan.password');
    const hashBefore = read('etc/mosquitto/tokkatot.passwd').split('\n').find((l) => l.startsWith('coop1-fan:'));
    const result = await piSetup(['--root', pi.root, '--release', release, '--node', 'coop2-heater']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('broker user added: coop2-heater');
    expect(result.stdout).toContain('would run: systemctl reload-or-restart mosquitto.service');
    expect(read('etc/tokkatot/mqtt/coop1-fan.password')).toBe(before);
    expect(read('etc/mosquitto/tokkatot.passwd')).toContain(`${hashBefore}\n`);
    expect(read('etc/tokkatot/nodes')).toBe('coop1-fan\ncoop1-sensor\ncoop2-heater\n');
  });

  it('writes nothing at all in a dry run on a fresh machine', async () => {
    const fresh = makePiRoot();
    try {
      const before = snapshotTree(fresh.root);
      const result = await piSetup(['--root', fresh.root, '--dry-run', '--release', fresh.release('1.0.0'), '--node', 'coop1-fan']);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('would write: /etc/systemd/system/tokkatot-edge.service');
      expect(result.stdout).toContain('would record: user tokkatot system');
      expect(snapshotTree(fresh.root)).toEqual(before);
    } finally {
      rmSync(fresh.base, { recursive: true, force: true });
    }
  });

  it('writes nothing in a dry run', async () => {
    const before = snapshotTree(pi.root);
    const result = await piSetup(['--root', pi.root, '--dry-run', '--release', release, '--node', 'coop3-fan', '--http-port', '8081']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('would add broker user: coop3-fan');
    expect(result.stdout).toContain('would write: /etc/tokkatot/nftables.nft');
    expect(snapshotTree(pi.root)).toEqual(before);
  });

  it.each([
    [['--node', 'Coop 1'], /node id 'Coop 1' must be lower-case/],
    [['--node', 'tokkatot-edge'], /reserved for the edge/],
    [['--http-port', '99999'], /--http-port must be a port number/],
    [['--lan', '192.168.1.0/24; flush ruleset'], /--lan must be an IPv4 CIDR/],
    [['--bogus'], /unknown option: --bogus/],
  ])('rejects %j before changing anything', async (args, message) => {
    const before = snapshotTree(pi.root);
    const result = await piSetup(['--root', pi.root, '--release', release, ...args]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(message);
    expect(snapshotTree(pi.root)).toEqual(before);
  });

  it('sets up Node 20 from NodeSource when the machine has an older node', async () => {
    const fakeBin = join(pi.base, 'old-node-bin');
    mkdirSync(fakeBin, { recursive: true });
    writeFileSync(join(fakeBin, 'node'), '#!/bin/sh\necho v18.19.0\n');
    chmodSync(join(fakeBin, 'node'), 0o755);
    const result = await piSetup(['--root', pi.root, '--release', release], { PATH: `${fakeBin}:${process.env['PATH'] ?? ''}` });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('node v18.19.0: Node 20 is needed');
    expect(read('etc/apt/sources.list.d/nodesource.list')).toContain('https://deb.nodesource.com/node_20.x nodistro main');
    expect(read('var/lib/tokkatot-setup/host-actions')).toContain('apt-install nodejs');
  });

  it('uninstalls everything but the farm data and settings, and --purge removes those too', async () => {
    const result = await piSetup(['--root', pi.root, '--uninstall']);
    expect(result.code).toBe(0);
    for (const gone of ['etc/systemd/system/tokkatot-edge.service', 'etc/mosquitto/tokkatot.acl', 'opt/tokkatot', 'usr/local/bin/tokkatot', 'var/lib/tokkatot-setup']) {
      expect(existsSync(at(gone)), gone).toBe(false);
    }
    expect(existsSync(at('var/lib/tokkatot'))).toBe(true);
    expect(existsSync(at('etc/tokkatot/mqtt/coop1-fan.password'))).toBe(true);
    const purge = await piSetup(['--root', pi.root, '--uninstall', '--purge']);
    expect(purge.code).toBe(0);
    expect(purge.stdout).toContain('would run: userdel tokkatot');
    expect(existsSync(at('var/lib/tokkatot'))).toBe(false);
    expect(existsSync(at('etc/tokkatot'))).toBe(false);
  });
});
