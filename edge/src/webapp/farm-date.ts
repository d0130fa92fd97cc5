/** The calendar date "YYYY-MM-DD" of an instant on the farm's clock (en-CA formats ISO-style). */
export function formatFarmDate(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
}
