/** The daily checklist's store (the only SQL of the daily records). */
export { DailyRecordsRepository, MORTALITY_CAUSES, type DailyRecord, type MortalityCause } from './daily-records-repository.js';
