// How the UI writes dates, durations, ids and counts, in one place so every page agrees.

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const preciseFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'medium' });

/** "Nov 24, 2026". */
export const formatDate = (iso: string): string => dateFormat.format(new Date(iso));
/** "Nov 24, 2026, 3:04 PM". */
export const formatDateTime = (iso: string): string => dateTimeFormat.format(new Date(iso));
/** "Nov 24, 2026, 3:04:05 PM". */
export const formatPrecise = (iso: string): string => preciseFormat.format(new Date(iso));
/** For tooltips: "Tuesday, November 24, 2026 at 3:04:05 PM". */
export const formatFull = (iso: string): string => fullFormat.format(new Date(iso));

/** A duration for people: "850 ms", "12.3 s", "4 min 05 s", "2 h 03 min"; "—" when unknown. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return `${hours} h ${String(minutes).padStart(2, '0')} min`;
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
}

/**
 * The last eight characters of a UUID, enough to tell rows apart (the first block of a UUIDv7
 * is its creation time, shared by rows written together); the full id goes in a tooltip.
 */
export function shortId(id: string | null | undefined): string {
  if (!id) return '—';
  return id.length > 8 ? `…${id.slice(-8)}` : id;
}

/** "1 agent", "3 agents"; `plural` for irregular words ("1 entry", "2 entries"). */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** An enum value for people: "IN_PROGRESS" → "In progress". */
export function label(value: string): string {
  const words = value.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
