import { smsLength } from '../../domain/messages/sms';

const gsm = (n: number) => 'a'.repeat(n);
const ucs = (n: number) => '好'.repeat(n);

describe('SMS parts at the boundaries', () => {
  it('GSM-7: 160 septets is one part, 161 is two', () => {
    expect(smsLength(gsm(160))).toEqual({ encoding: 'GSM-7', units: 160, parts: 1 });
    expect(smsLength(gsm(161))).toEqual({ encoding: 'GSM-7', units: 161, parts: 2 });
    expect(smsLength(gsm(306))).toEqual({ encoding: 'GSM-7', units: 306, parts: 2 });
    expect(smsLength(gsm(307)).parts).toBe(3);
  });

  it.each(['€', '[', '{', '~', '|'])(
    'GSM-7: an escape pair %s straddling a 153-septet boundary starts a new part',
    (ch) => {
      // 152 septets, then a 2-septet pair that cannot be split across parts 1 and 2, then 152 more.
      const text = gsm(152) + ch + gsm(152);
      expect(smsLength(text)).toEqual({ encoding: 'GSM-7', units: 306, parts: 3 });
    },
  );

  it('GSM-7: an escape pair that ends exactly on the boundary does not', () => {
    expect(smsLength(gsm(151) + '€' + gsm(153))).toEqual({ encoding: 'GSM-7', units: 306, parts: 2 });
  });

  it('GSM-7: escape pairs alone that fit in 160 septets stay one part', () => {
    expect(smsLength('€'.repeat(80))).toEqual({ encoding: 'GSM-7', units: 160, parts: 1 });
    expect(smsLength('€'.repeat(81)).parts).toBe(2);
  });

  it('UCS-2: 70 units is one part, 71 is two', () => {
    expect(smsLength(ucs(70))).toEqual({ encoding: 'UCS-2', units: 70, parts: 1 });
    expect(smsLength(ucs(71))).toEqual({ encoding: 'UCS-2', units: 71, parts: 2 });
    expect(smsLength(ucs(134))).toEqual({ encoding: 'UCS-2', units: 134, parts: 2 });
  });

  it('UCS-2: a surrogate pair straddling a 67-unit boundary starts a new part', () => {
    const text = ucs(66) + '🙂' + ucs(66);
    expect(text.length).toBe(134);
    expect(smsLength(text)).toEqual({ encoding: 'UCS-2', units: 134, parts: 3 });
  });

  it('UCS-2: a surrogate pair that ends exactly on the boundary does not', () => {
    expect(smsLength(ucs(65) + '🙂' + ucs(67))).toEqual({ encoding: 'UCS-2', units: 134, parts: 2 });
  });

  it('one character outside GSM-7 makes the whole text UCS-2', () => {
    expect(smsLength(gsm(69) + 'ç')).toEqual({ encoding: 'UCS-2', units: 70, parts: 1 });
    expect(smsLength(`Hello ${'🙂'}`)).toMatchObject({ encoding: 'UCS-2', parts: 1 });
  });
});
