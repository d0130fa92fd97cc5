/** The configuration collections the dashboard keeps a copy of (docs/cloud/dashboard.md). */
export const REPLICATED = ['coops', 'sensors', 'outputs', 'rules', 'schedules', 'flocks', 'alarm_settings', 'nodes', 'firmware_targets'] as const;
export type ReplicatedName = (typeof REPLICATED)[number];
export type ConfigDoc = Record<string, unknown> & { id: string };

/** What the RxDB module gives back; it is loaded lazily so the first screen stays small. */
export interface RunningReplica {
  close(remove: boolean): Promise<void>;
}
