/** Small, deterministic formatting helpers shared by the human-readable reports. */

/** 1234567 → "1,234,567" (not locale-dependent: reports are byte-stable). */
export function num(n: number): string {
  const s = String(n);
  return s.length <= 3 ? s : s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** ISO time → `YYYY-MM-DD HH:MM:SS` in zone `tz` (IANA name). */
export function wallTime(isoTime: string | null, tz: string): string {
  if (isoTime === null) return '-';
  let f = formatters.get(tz);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(new Date(isoTime))) p[part.type] = part.value;
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** Pad or cut to width (cut strings end in '…'). */
export function cell(s: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (s.length > width) return width <= 1 ? s.slice(0, width) : `${s.slice(0, width - 1)}…`;
  return align === 'left' ? s.padEnd(width) : s.padStart(width);
}

export function portLabel(proto: string, port: number | null): string {
  return port === null ? proto : `${port}/${proto}`;
}
