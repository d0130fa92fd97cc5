import { describe, expect, it } from 'vitest';
import { checkImageBoard, readImageIdentity } from '../../../scripts/firmware-release/image-version.js';
import { esp32Image, simulatorImage } from './support/images.js';
import { refusal } from './support/refusal.js';

describe('readImageIdentity', () => {
  it('reads the version and project from esp_app_desc_t of an ESP-IDF image', () => {
    expect(readImageIdentity(esp32Image({ version: '1.4.2-rc.1' }))).toEqual({ kind: 'esp-idf', version: '1.4.2-rc.1', projectName: 'tokkatot_node' });
  });

  it('reads the version from the header line of a simulator image', () => {
    expect(readImageIdentity(simulatorImage('2.0.0'))).toEqual({ kind: 'simulator', version: '2.0.0' });
  });

  it('refuses empty, unknown, truncated and descriptor-less images with the reason', () => {
    expect(refusal(() => readImageIdentity(new Uint8Array()))).toMatchObject({ code: 'invalid_image', message: 'the image is empty' });
    expect(refusal(() => readImageIdentity(Buffer.from('#!/bin/sh\nrm -rf /\n'))).message).toMatch(/not a firmware image/);
    expect(refusal(() => readImageIdentity(esp32Image({ version: '1.0.0' }).subarray(0, 100))).message).toMatch(/at least 288 bytes; this one has 100/);
    expect(refusal(() => readImageIdentity(esp32Image({ version: '1.0.0', appDescMagic: 0x12345678 }))).message).toMatch(/no esp_app_desc_t at byte 32 \(magic 0x12345678/);
  });

  it('refuses an image whose embedded version is not a release version', () => {
    for (const version of ['', 'v1.0', '1.0.0-dirty+x', 'abc1234']) {
      expect(refusal(() => readImageIdentity(esp32Image({ version }))).message).toContain(`is ${JSON.stringify(version)}, not a release version`);
    }
    expect(refusal(() => readImageIdentity(simulatorImage('latest'))).message).toMatch(/tokkatot-sim header is "latest"/);
  });

  it('refuses a version field without its terminating NUL and a simulator header without a line end', () => {
    const image = esp32Image({ version: '1.0.0' });
    image.fill(0x31, 32 + 16, 32 + 48);
    expect(refusal(() => readImageIdentity(image)).message).toMatch(/version is not NUL-terminated/);
    expect(refusal(() => readImageIdentity(Buffer.from(`TOKKATOT-SIM-IMAGE version=1.0.0${' '.repeat(200)}`))).message).toMatch(/no end within 160 bytes/);
  });

  it('never lets a never-healthy rollback test image through', () => {
    expect(refusal(() => readImageIdentity(simulatorImage('1.1.0', { flags: 'never-healthy' }))).message).toMatch(/never-healthy/);
  });
});

describe('checkImageBoard', () => {
  it('accepts the node project built for the ESP32', () => {
    const image = esp32Image({ version: '1.0.0' });
    expect(() => checkImageBoard(image, readImageIdentity(image), 'tokkatot-node-esp32', false)).not.toThrow();
  });

  it('refuses another chip, another project, and a simulator image unless asked for', () => {
    const esp32s3 = esp32Image({ version: '1.0.0', chipId: 9 });
    expect(refusal(() => checkImageBoard(esp32s3, readImageIdentity(esp32s3), 'tokkatot-node-esp32', false)).message).toMatch(/chip id 9, not ESP32/);
    const other = esp32Image({ version: '1.0.0', projectName: 'hello_world' });
    expect(refusal(() => checkImageBoard(other, readImageIdentity(other), 'tokkatot-node-esp32', false)).message).toMatch(/project "hello_world"/);
    const sim = simulatorImage('1.0.0');
    expect(refusal(() => checkImageBoard(sim, readImageIdentity(sim), 'tokkatot-node-esp32', false)).message).toMatch(/pass --simulator/);
    expect(() => checkImageBoard(sim, readImageIdentity(sim), 'tokkatot-node-esp32', true)).not.toThrow();
    const esp = esp32Image({ version: '1.0.0' });
    expect(refusal(() => checkImageBoard(esp, readImageIdentity(esp), 'tokkatot-node-esp32', true)).message).toMatch(/--simulator was given but this is an ESP-IDF image/);
  });
});
