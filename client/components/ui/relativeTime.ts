/** Pure relative-time wording through `Intl.RelativeTimeFormat` (Korean and English built in). */
const steps: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 7],
  ['week', 4.35],
  ['month', 12],
  ['year', Infinity],
];

export function formatRelative(thenMs: number, nowMs: number, lng: string): string {
  const fmt = new Intl.RelativeTimeFormat(lng, { numeric: 'auto' });
  let value = (thenMs - nowMs) / 1000;
  // Clock skew between server and browser makes "in 3 seconds" appear; call anything this close "now".
  if (Math.abs(value) < 10) return fmt.format(0, 'second');
  for (const [unit, size] of steps) {
    if (Math.abs(value) < size) return fmt.format(Math.round(value), unit);
    value /= size;
  }
  return fmt.format(Math.round(value), 'year');
}
