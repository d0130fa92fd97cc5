/**
 * The edge controller's composition root: configuration, store, services, HTTP. Runs on embedded
 * defaults with no external service: `npm start`.
 */
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { TokkatotError } from '@tokkatot/shared';
import { pino } from 'pino';
import { CloudLink } from './cloud-link/index.js';
import { loadConfig } from './config/index.js';
import { DeviceOutputDriver, startController, type Controller } from './control/index.js';
import { createEdge } from './edge.js';
import { FirmwareImageServer, startFirmwareAutoUpdate } from './firmware-update/index.js';
import { buildApp } from './http/app.js';
import { webappOptionsFor } from './webapp-wiring.js';

async function main(): Promise<void> {
  let loaded;
  try {
    loaded = loadConfig();
  } catch (error) {
    if (error instanceof TokkatotError && error.code === 'CONFIG_INVALID') {
      process.stderr.write(`tokkatot: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const { config, source } = loaded;
  const logger = pino({ level: config.log.level, base: { service: 'tokkatot-edge' } });
  logger.info({ config: source ?? 'embedded defaults', dataDir: config.dataDir }, 'starting');

  const log = (message: string, detail?: unknown) => logger.warn({ detail }, message);
  const driver = new DeviceOutputDriver();
  const edge = createEdge({ config, driver, log });
  // The app is built before the controller starts; the siren is looked up when a request needs it.
  let controller: Controller | null = null;
  // No cloud URL = an offline farm: nothing is queued for upload and pairing is refused.
  const cloudLink = config.cloud.url
    ? new CloudLink(edge, {
        url: config.cloud.url,
        ...(config.cloud.uploadBytesPerSecond ? { uploadBytesPerSecond: config.cloud.uploadBytesPerSecond } : {}),
        ...(config.cloud.readingsBudgetBytes ? { readingsBudgetBytes: config.cloud.readingsBudgetBytes } : {}),
        readingsIntervalMs: config.cloud.readingsIntervalSeconds * 1000,
        log,
      })
    : undefined;
  const app = await buildApp(edge, { logger, webapp: webappOptionsFor(edge, () => controller), ...(cloudLink ? { cloudLink } : {}) });
  await edge.start();
  const { devices } = config;
  controller = await startController(edge, {
    driver,
    log,
    ...(devices.simulatedCoops === undefined ? {} : { simulatedCoops: devices.simulatedCoops }),
    serialPaths: devices.serialPaths,
    sirenPin: devices.sirenPin,
    ...(devices.mqtt
      ? {
          mqtt: {
            url: devices.mqtt.url,
            username: devices.mqtt.username,
            password: readFileSync(devices.mqtt.passwordFile, 'utf8').trim(),
            farmId: edge.registry.farm().id,
          },
        }
      : {}),
  });
  // After the controller: cloud commands need the outputs and the arbiter running.
  cloudLink?.start();
  // Off (one log line says why) without trusted release keys or a cloud; idle until paired.
  const imageServerConfig = config.firmware.imageServer;
  const imageServer = imageServerConfig ? new FirmwareImageServer({ host: imageServerConfig.host, port: imageServerConfig.port, ...(imageServerConfig.advertisedHost ? { advertisedHost: imageServerConfig.advertisedHost } : {}) }) : undefined;
  await imageServer?.start();
  const firmwareRollout = startFirmwareAutoUpdate({
    edge,
    devices: controller.devices,
    cloud: cloudLink,
    log: (message, detail) => logger.info({ detail }, message),
    ...(imageServer ? { updater: { imageServer, pullFor: 'mqtt' as const } } : {}),
  });
  const address = await app.listen({ host: config.http.host, port: config.http.port });
  const port = Number(new URL(address).port);

  const urls = config.http.host === '0.0.0.0' ? lanUrls(port) : [address];
  const lines = [`Tokkatot edge is running (data in ${config.dataDir}).`, ...urls.map((url) => `  ${url}`)];
  if (edge.auth.needsOwner()) {
    lines.push(
      'No user exists yet, and no default password ships. Create the owner, either:',
      `  - in the browser or with: curl -X POST ${urls[0]}/api/setup/owner -H 'content-type: application/json' -d '{"username":"owner","displayName":"Owner","password":"<at least 8 characters>"}'`,
      `  - or on this machine: tokkatot user add --username owner --role owner   (edge/bin/tokkatot.mjs)`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\nlistening on ${address}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    await app.close();
    void firmwareRollout?.stop();
    await imageServer?.stop();
    await cloudLink?.stop();
    await controller?.stop();
    await edge.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/** The addresses phones on the LAN can use (loopback first for the person at the Pi). */
function lanUrls(port: number): string[] {
  const urls = [`http://127.0.0.1:${port}`];
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === 'IPv4' && !address.internal) urls.push(`http://${address.address}:${port}`);
    }
  }
  return urls;
}

main().catch((error: unknown) => {
  process.stderr.write(`tokkatot: failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
