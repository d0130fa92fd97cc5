import { FirmwareVersionSchema, type FirmwareBoard } from '@tokkatot/shared';
import { ReleaseError } from './release-error.js';

/** What an image says about itself, read from its own bytes rather than from the command line. */
export interface ImageIdentity {
  kind: 'esp-idf' | 'simulator';
  version: string;
  /** ESP-IDF's project name (`project()` in CMakeLists.txt); absent for simulator images. */
  projectName?: string;
}

/** ESP-IDF app image: `esp_image_header_t` (24 bytes), first `esp_image_segment_header_t` (8), then `esp_app_desc_t`. */
const ESP_IMAGE_MAGIC = 0xe9;
const ESP_CHIP_ID_OFFSET = 12;
const ESP_APP_DESC_OFFSET = 24 + 8;
const ESP_APP_DESC_MAGIC = 0xabcd5432;
/** Offsets inside `esp_app_desc_t`: magic, secure_version, reserv1[2], then version[32], project_name[32]. */
const DESC_VERSION = 16;
const DESC_PROJECT_NAME = 48;
const DESC_MIN_BYTES = 256;

/** tokkatot-sim's slot header (firmware/port-posix/sim_update.c). */
const SIM_MAGIC = 'TOKKATOT-SIM-IMAGE version=';
const SIM_HEADER_MAX = 160;

/** What each board's ESP-IDF build must look like: its chip (`esp_chip_id_t`) and project name. */
const BOARD_BUILDS: Record<FirmwareBoard, { chipId: number; chipName: string; projectName: string }> = {
  'tokkatot-node-esp32': { chipId: 0x0000, chipName: 'ESP32', projectName: 'tokkatot_node' },
};

/** Reads the version an image carries: `esp_app_desc_t.version` or the simulator's header line. */
export function readImageIdentity(image: Uint8Array): ImageIdentity {
  if (image.length === 0) throw new ReleaseError('invalid_image', 'the image is empty');
  if (image[0] === ESP_IMAGE_MAGIC) return readEspIdfImage(image);
  if (startsWithText(image, SIM_MAGIC)) return readSimulatorImage(image);
  throw new ReleaseError('invalid_image', 'not a firmware image: neither an ESP-IDF app image (first byte 0xE9) nor a tokkatot-sim image ("TOKKATOT-SIM-IMAGE" header)');
}

/**
 * Refuses an image that was not built for the board: an ESP-IDF image for another chip or of
 * another project, or a simulator image unless the release is meant for simulated coops.
 */
export function checkImageBoard(image: Uint8Array, identity: ImageIdentity, board: FirmwareBoard, allowSimulator: boolean): void {
  const build = BOARD_BUILDS[board];
  if (identity.kind === 'simulator') {
    if (!allowSimulator) throw new ReleaseError('invalid_image', `this is a tokkatot-sim image, not an ${build.chipName} build; pass --simulator to sign it for simulated coops`);
    return;
  }
  if (allowSimulator) throw new ReleaseError('invalid_image', '--simulator was given but this is an ESP-IDF image');
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const chipId = view.getUint16(ESP_CHIP_ID_OFFSET, true);
  if (chipId !== build.chipId) throw new ReleaseError('invalid_image', `the image is built for chip id ${chipId}, not ${build.chipName} (${build.chipId}) as board ${board} needs`);
  if (identity.projectName !== build.projectName) {
    throw new ReleaseError('invalid_image', `the image is of project "${identity.projectName}", not "${build.projectName}" (firmware/port-esp32)`);
  }
}

function readEspIdfImage(image: Uint8Array): ImageIdentity {
  if (image.length < ESP_APP_DESC_OFFSET + DESC_MIN_BYTES) throw new ReleaseError('invalid_image', `an ESP-IDF image is at least ${ESP_APP_DESC_OFFSET + DESC_MIN_BYTES} bytes; this one has ${image.length}`);
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const magic = view.getUint32(ESP_APP_DESC_OFFSET, true);
  if (magic !== ESP_APP_DESC_MAGIC) {
    throw new ReleaseError('invalid_image', `no esp_app_desc_t at byte ${ESP_APP_DESC_OFFSET} (magic 0x${magic.toString(16).padStart(8, '0')}, expected 0xabcd5432): not an app image`);
  }
  const version = cString(image, ESP_APP_DESC_OFFSET + DESC_VERSION, 32, 'version');
  const projectName = cString(image, ESP_APP_DESC_OFFSET + DESC_PROJECT_NAME, 32, 'project_name');
  return { kind: 'esp-idf', version: checkVersion(version, 'esp_app_desc_t.version (set by idf.py -DPROJECT_VER=<version>)'), projectName };
}

function readSimulatorImage(image: Uint8Array): ImageIdentity {
  const head = Buffer.from(image.subarray(0, SIM_HEADER_MAX)).toString('latin1');
  const end = head.indexOf('\n');
  if (end < 0) throw new ReleaseError('invalid_image', `the tokkatot-sim header line has no end within ${SIM_HEADER_MAX} bytes`);
  const [version = '', ...flags] = head.slice(SIM_MAGIC.length, end).split(' ');
  // The fault-injection marker exists for rollback tests; such an image must never reach a farm.
  if (flags.includes('never-healthy')) throw new ReleaseError('invalid_image', 'this tokkatot-sim image is marked never-healthy (a rollback test image) and is never released');
  return { kind: 'simulator', version: checkVersion(version, 'the tokkatot-sim header') };
}

function checkVersion(version: string, source: string): string {
  const parsed = FirmwareVersionSchema.safeParse(version);
  if (!parsed.success) throw new ReleaseError('invalid_image', `the version in ${source} is ${JSON.stringify(version)}, not a release version such as "1.4.2"`);
  return parsed.data;
}

function cString(image: Uint8Array, offset: number, length: number, field: string): string {
  const bytes = image.subarray(offset, offset + length);
  const nul = bytes.indexOf(0);
  if (nul < 0) throw new ReleaseError('invalid_image', `esp_app_desc_t.${field} is not NUL-terminated`);
  return Buffer.from(bytes.subarray(0, nul)).toString('latin1');
}

function startsWithText(image: Uint8Array, text: string): boolean {
  return image.length >= text.length && Buffer.from(image.subarray(0, text.length)).toString('latin1') === text;
}
