/** The LAN web app and the routes it adds to the core API; the core's app builder registers them. */
export { webappPlugin, DEFAULT_UI_DIST, type WebappOptions } from './webapp-plugin.js';
export { dailyRecordsRoutes, type DailyRecordsOptions } from './daily-records-routes.js';
export { sirenRoutes, type SirenOptions } from './siren-routes.js';
export { schedulesRoutes, type SchedulesOptions, type SchedulesStore } from './schedules-routes.js';
export { DailyRecordBodySchema, type DailyRecordBody } from './daily-record-schemas.js';
export { climateRoutes, type ClimateOptions, type ClimateStore, type ClimateDocuments } from './climate-routes.js';
export { alarmSettingsRoutes, AlarmSettingsSchema, effectiveAlarmSettings, type AlarmSettingsOptions } from './alarm-settings-routes.js';
export { coopTargetsRoutes, type CoopTargetsOptions } from './coop-targets-routes.js';
export { computeCoopTargets, type CoopTarget } from './coop-targets.js';
export { registerWebapp, type RegisterWebappOptions } from './register-webapp.js';
