/**
 * Timestamps the way Segment handles them: the `date-like` ajv format of actions-core for validation,
 * then `dayjs.utc(value).valueOf()` in the destination. Both quirks are kept on purpose (a number is taken
 * as milliseconds; a numeric string passes validation but dayjs mis-parses it), because an emulator that
 * fixed them would hide the very bugs developers come here to find.
 */
import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';

dayjs.extend(utc);

/** actions-core's `date-like` format (ajv calls it for strings only). */
export function isDateLike(data: string): boolean {
  let date = dayjs(data);
  if (String(Number(data)) === data) {
    // actions-core computes a 13-digit variant and then overwrites it: numeric strings are unix seconds here.
    date = dayjs.unix(Number(data));
  }
  return date.isValid();
}

/** `dayjs.utc(timestamp).valueOf()`: what lands in the Event API `timestamp` (may be NaN → null in JSON). */
export function toEventApiTimestamp(timestamp: string | number): number {
  return dayjs.utc(timestamp).valueOf();
}
