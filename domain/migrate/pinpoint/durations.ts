import { MAX_DURATION_SECONDS } from '../../config/duration';

const ISO =
  /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * An ISO 8601 duration as a Rapport duration ("3d"), in the largest unit that divides it. Years and months
 * have no fixed length: read as 365 and 30 days, and said so (`approximate`).
 */
export function rapportDuration(iso: string): { duration: string; approximate?: string } {
  const m = ISO.exec(iso);
  if (!m) throw new RangeError(`not an ISO 8601 duration: ${iso}`);
  const [y, mo, w, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0)) as number[] as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  let seconds = Math.ceil((((y * 365 + mo * 30 + w * 7 + d) * 24 + h) * 60 + mi) * 60 + s);
  const notes: string[] = [];
  if (y || mo) notes.push(`${iso}: a year read as 365 days, a month as 30`);
  if (seconds > MAX_DURATION_SECONDS) {
    notes.push(
      `${iso} is longer than 365 days, the longest wait a Step Functions execution allows: cut to 365d`,
    );
    seconds = MAX_DURATION_SECONDS;
  }
  seconds = Math.max(seconds, 1);
  const unit = (
    [
      ['w', 604_800],
      ['d', 86_400],
      ['h', 3_600],
      ['m', 60],
    ] as const
  ).find(([, size]) => seconds % size === 0);
  const duration = unit ? `${seconds / unit[1]}${unit[0]}` : `${seconds}s`;
  return notes.length ? { duration, approximate: notes.join('; ') } : { duration };
}
