import GraphemeSplitter from 'grapheme-splitter';
import { smsLength } from '../../domain/messages/sms';
import Shim from '../../functions/shared/grapheme-splitter-shim';

/** smsLength as the bundles compute it: sms-segments-calculator given the shim for grapheme-splitter. */
function shimmedSmsLength(): typeof smsLength {
  let shimmed: typeof smsLength = smsLength;
  jest.isolateModules(() => {
    jest.doMock('grapheme-splitter', () => ({ __esModule: true, default: Shim }));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    shimmed = (require('../../domain/messages/sms') as { smsLength: typeof smsLength }).smsLength;
  });
  return shimmed;
}

const GSM = 'Hello Li, your order ships today.';
/** Units that a part boundary must not cut, each placed to straddle the boundaries. */
const UNITS = {
  gsm: 'a',
  extension: '€', // an escape pair in GSM-7
  newline: '\r\n',
  ucs2: 'é', // GSM-7 has é: with ğ the text is UCS-2
  turkish: 'ğ',
  cjk: '订单',
  surrogate: '𠜎', // outside the BMP: a surrogate pair
  family: '👨‍👩‍👧‍👦', // ZWJ sequence
  skinTone: '👍🏽',
  flag: '🇨🇳',
  rainbowFlag: '🏳️‍🌈',
  combining: 'e\u0301',
  stacked: 'a\u0300\u0327\u0301',
  hangulJamo: '\u1100\u1161\u11A8',
  thai: 'ส์',
};

describe('the grapheme-splitter shim (Intl.Segmenter)', () => {
  const shimmed = shimmedSmsLength();

  it('is what sms-segments-calculator loads in place of grapheme-splitter here', () => {
    expect(shimmed).not.toBe(smsLength);
    // A ZWJ sequence newer than grapheme-splitter's rules (the last test): the shim keeps it whole.
    const text = `xxx${'❤️‍🔥'.repeat(26)}`;
    expect(shimmed(text).parts).not.toBe(smsLength(text).parts);
  });

  it('gives the same SMS encoding, length and parts for GSM-7, UCS-2, emoji, CJK and combining marks', () => {
    let compared = 0;
    for (const [name, unit] of Object.entries(UNITS))
      // Every alignment of the unit against the 153/67 boundaries, from one part to three.
      for (const pad of [0, 1, 3])
        for (const n of [1, 34, 67, 68, 77, 153, 154, 161, 200]) {
          const text = 'x'.repeat(pad) + unit.repeat(n);
          expect({ name, pad, n, length: shimmed(text) }).toEqual({ name, pad, n, length: smsLength(text) });
          compared++;
        }
    for (const text of [GSM, `${GSM} ${Object.values(UNITS).join(' ')}`.repeat(4), ''])
      expect({ text, length: shimmed(text) }).toEqual({ text, length: smsLength(text) });
    expect(compared).toBe(Object.keys(UNITS).length * 3 * 9);
  });

  it('splits as grapheme-splitter does where its rules are current', () => {
    const real = new GraphemeSplitter();
    const shim = new Shim();
    const text = Object.values(UNITS).join('|') + GSM;
    expect(shim.splitGraphemes(text)).toEqual(real.splitGraphemes(text));
    expect(shim.countGraphemes(text)).toBe(real.countGraphemes(text));
    expect([...shim.iterateGraphemes(text)]).toEqual(real.splitGraphemes(text));
  });

  /**
   * grapheme-splitter 1.0.4 (Unicode 10) predates Unicode 11's emoji ZWJ rule and 15.1's Indic conjuncts;
   * Intl.Segmenter follows the runtime's ICU. grapheme-splitter cuts those in two, so a part boundary can
   * fall inside them; the shim keeps them whole and counts a part more when one straddles a boundary
   * (its units are the same): never fewer parts, and none more for a text without such a sequence.
   */
  it('keeps whole what grapheme-splitter cuts (newer ZWJ emoji, Indic conjuncts): at most a part more', () => {
    const real = new GraphemeSplitter();
    const shim = new Shim();
    for (const unit of ['❤️‍🔥', '🫱🏻‍🫲🏿', '🧑‍🧑‍🧒', 'क्ष']) {
      expect({ unit, shim: shim.splitGraphemes(unit) }).toEqual({ unit, shim: [unit] });
      expect(real.splitGraphemes(unit).length).toBeGreaterThan(1);
      for (const pad of [0, 3])
        for (let n = 1; n <= 60; n++) {
          const text = 'x'.repeat(pad) + unit.repeat(n);
          const [a, b] = [smsLength(text), shimmed(text)];
          expect({ unit, n, encoding: b.encoding, units: b.units }).toEqual({
            unit,
            n,
            ...a,
            parts: undefined,
          });
          expect({ unit, n, atMostOneMore: [0, 1].includes(b.parts - a.parts) }).toEqual({
            unit,
            n,
            atMostOneMore: true,
          });
        }
    }
    expect(smsLength(`xxx${'❤️‍🔥'.repeat(26)}`).parts).toBe(2);
    expect(shimmed(`xxx${'❤️‍🔥'.repeat(26)}`).parts).toBe(3);
  });
});
