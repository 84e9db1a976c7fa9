/**
 * How many parts (segments) an SMS takes, each billed on its own. Text that fits the GSM 03.38 alphabet
 * is sent 7 bits a character: 160 in one part, 153 a part when split. Anything else (Chinese, emoji) is
 * UCS-2: 70 in one part, 67 a part when split.
 *
 * The split itself comes from `sms-segments-calculator` (Twilio's calculator) because the naive
 * `ceil(units / 153)` is one part short whenever an escape pair (`€`, `[`, `{`…) or a surrogate pair
 * would straddle a boundary: a phone never splits those, so the part before the boundary is left short.
 */
import { SegmentedMessage } from 'sms-segments-calculator';

export interface SmsLength {
  encoding: 'GSM-7' | 'UCS-2';
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  parts: number;
}

export function smsLength(text: string): SmsLength {
  const message = new SegmentedMessage(text, 'auto');
  const encoding = message.encodingName === 'GSM-7' ? 'GSM-7' : 'UCS-2';
  const bitsPerUnit = encoding === 'GSM-7' ? 7 : 16;
  return {
    encoding,
    units: message.messageSize / bitsPerUnit,
    parts: message.segmentsCount,
  };
}
