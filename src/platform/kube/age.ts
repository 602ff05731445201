/**
 * Ages and durations written the way kubectl writes them (`5m12s`, `3h20m`, `4d2h`), so the
 * Cluster view and a terminal side by side agree to the second.
 */

/** A timestamp as it comes from the API: a `Date` after client-node's deserializer, a string from raw JSON. */
export type Timestamp = Date | string | null | undefined;

/** Parses an API timestamp; `undefined` for a missing or unparsable one. */
export function toDate(value: Timestamp): Date | undefined {
  if (value === null || value === undefined || value === '') {
    return undefined;
  }
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** kubectl's human duration (apimachinery `duration.HumanDuration`) of a span in milliseconds. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  // kubectl tolerates up to two seconds of clock skew before calling a time invalid.
  if (seconds < -1) {
    return '<invalid>';
  }
  if (seconds < 0) {
    return '0s';
  }
  if (seconds < 120) {
    return `${seconds}s`;
  }
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) {
    return `${minutes}m`;
  }
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) {
    return `${hours}h`;
  }
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 24 * 365 * 2) {
    return `${days}d`;
  }
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) {
    const d = days % 365;
    return d === 0 ? `${years}y` : `${years}y${d}d`;
  }
  return `${years}y`;
}

/** kubectl's `translateTimestampSince`: the age of a timestamp, `<unknown>` without one. */
export function ageSince(value: Timestamp, now: Date): string {
  const date = toDate(value);
  return date === undefined ? '<unknown>' : humanDuration(now.getTime() - date.getTime());
}
