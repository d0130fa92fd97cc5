import { html } from '../html.js';

/** 24×24 stroke icons drawn inline: no icon font, nothing fetched. Always shown next to words. */
const PATHS = {
  home: 'M3 11l9-8 9 8M5 10v10h5v-6h4v6h5V10',
  alarm: 'M12 3a6 6 0 0 0-6 6v4l-2 3h16l-2-3V9a6 6 0 0 0-6-6zM10 19a2 2 0 0 0 4 0',
  daily: 'M9 3h6v3H9zM6 5h3M15 5h3v16H6V5M9 12l2 2 4-4',
  manage: 'M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8zM12 2v3M12 19v3M2 12h3M19 12h3M5 5l2 2M17 17l2 2M5 19l2-2M17 7l2-2',
  fan: 'M12 12m-2 0a2 2 0 1 0 4 0 2 2 0 1 0-4 0M12 10c0-4 1-7 4-7s2 5-2 7M14 12c4 0 7 1 7 4s-5 2-7-2M12 14c0 4-1 7-4 7s-2-5 2-7M10 12c-4 0-7-1-7-4s5-2 7 2',
  heater: 'M12 3c3 4 5 6 5 10a5 5 0 0 1-10 0c0-3 2-4 3-7 1 2 2 3 2 5',
  feeder: 'M6 3h12l-3 7v5l-3 2-3-2v-5zM8 20h8',
  conveyor: 'M3 15h18M3 19h18M6 17m-2 0a2 2 0 1 0 4 0 2 2 0 1 0-4 0M18 17m-2 0a2 2 0 1 0 4 0 2 2 0 1 0-4 0M7 11h4v4H7zM13 9h4v6h-4z',
  light: 'M9 18h6M10 21h4M12 3a6 6 0 0 0-4 10c1 1 1 2 1 3h6c0-1 0-2 1-3a6 6 0 0 0-4-10z',
  water: 'M12 3c4 5 6 8 6 11a6 6 0 0 1-12 0c0-3 2-6 6-11z',
  siren: 'M6 18v-6a6 6 0 0 1 12 0v6M4 18h16v3H4zM12 2v2M3 7l2 1M21 7l-2 1',
  relay: 'M4 12h5M15 12h5M9 12l5-4',
  thermometer: 'M10 4a2 2 0 0 1 4 0v10a4 4 0 1 1-4 0zM12 14v3',
  check: 'M4 12l5 5L20 6',
  warning: 'M12 3l10 18H2zM12 10v5M12 18v.5',
  offline: 'M2 2l20 20M8.5 16.5a5 5 0 0 1 7 0M5 12.5a10 10 0 0 1 5-2.7M19 12.5a10 10 0 0 0-3-2M2 8.8a15 15 0 0 1 4.2-2.6M22 8.8A15 15 0 0 0 11 5M12 20h.01',
  globe: 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM3 12h18M12 3c3 3 3 15 0 18M12 3c-3 3-3 15 0 18',
  back: 'M15 5l-7 7 7 7',
  power: 'M12 3v9M6.3 6.3a8 8 0 1 0 11.4 0',
  hot: 'M12 12m-4 0a4 4 0 1 0 8 0 4 4 0 1 0-8 0M12 2v3M12 19v3M2 12h3M19 12h3M5 5l2 2M17 17l2 2M5 19l2-2M17 7l2-2',
  cold: 'M12 2v20M4 7l16 10M4 17l16-10M9 4l3 3 3-3M9 20l3-3 3 3',
  plus: 'M12 5v14M5 12h14',
  minus: 'M5 12h14',
  logout: 'M15 4h4v16h-4M10 8l-4 4 4 4M6 12h10',
  farm: 'M3 21V10l9-6 9 6v11M9 21v-6h6v6',
  people: 'M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM2 21a7 7 0 0 1 14 0M17 11a3 3 0 1 0 0-6M22 21a6 6 0 0 0-5-6',
  clock: 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM12 7v5l3 3',
  cloud: 'M7 18a5 5 0 0 1-.5-10A6 6 0 0 1 18 9a4.5 4.5 0 0 1-.5 9z',
  chevron: 'M9 5l7 7-7 7',
  chip: 'M7 7h10v10H7zM10 10h4v4h-4zM9 3v4M15 3v4M9 17v4M15 17v4M3 9h4M3 15h4M17 9h4M17 15h4',
  pause: 'M8 5v14M16 5v14',
  play: 'M7 4l13 8-13 8z',
} as const;

export type IconName = keyof typeof PATHS;

/** Decorative: the word next to it carries the meaning for screen readers. */
export function Icon({ name, size = 24 }: { name: IconName; size?: number }) {
  return html`<svg class="icon" width=${size} height=${size} viewBox="0 0 24 24" aria-hidden="true" focusable="false"
    fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d=${PATHS[name]} /></svg>`;
}

const OUTPUT_ICONS: Record<string, IconName> = {
  fan: 'fan',
  heater: 'heater',
  feeder: 'feeder',
  conveyor: 'conveyor',
  light: 'light',
  water_pump: 'water',
  siren: 'siren',
  relay: 'relay',
};

export function outputIcon(kind: string): IconName {
  return OUTPUT_ICONS[kind] ?? 'relay';
}
