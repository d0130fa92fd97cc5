/** The four log methods the device drivers use; pino loggers fit, tests pass a silent one. */
export interface DeviceLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const SILENT_LOGGER: DeviceLogger = { debug() {}, info() {}, warn() {}, error() {} };
