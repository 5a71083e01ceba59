/**
 * Wall-clock times of a recording: its header's start (epoch seconds) plus the offset, in the
 * browser's locale and time zone (the console's users read times where they are).
 */
const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const DATE_TIME = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** "14:03:12" (or "2:03:12 PM", per locale) */
export const clockTime = (epochMs: number): string => TIME.format(epochMs);

/** "1 Dec 2026, 14:02:10" */
export const clockDateTime = (epochMs: number): string => DATE_TIME.format(epochMs);

/** The zone the times are shown in, e.g. "Europe/Paris". */
export const timeZoneName = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'local time';

/** Relative position as "m:ss" (hours as "h:mm:ss"). */
export function relativeClock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
