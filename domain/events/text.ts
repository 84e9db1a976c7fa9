import * as z from '../zod';
import { expect } from '../config/problems';

// C0 controls, DEL and C1 controls. Free text may keep tab, line feed and carriage return.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/u;

/** A lone surrogate cannot be encoded as UTF-8: stored or emailed, it would come back as U+FFFD. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
function wellFormed(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

/**
 * One line of text that may reach a subject, a header or a page (a name, an id, an attribute): control
 * characters (NUL, BEL, ESC, CR, LF…) are refused rather than stripped, so the sender learns of them.
 */
export function lineText(what: string, max: number) {
  return z.string(expect(what)).check(
    z.maxLength(max, expect(`at most ${max} characters`)),
    z.refine((s) => !CONTROL.test(s), expect(`${what} without control characters (NUL, ESC, CR, LF…)`)),
    z.refine(wellFormed, expect('valid Unicode text (no lone surrogate halves)')),
  );
}

/** Several lines of text a customer wrote: line breaks and tabs stay, other control characters do not. */
export function freeText(what: string, max: number) {
  return z.string(expect(what)).check(
    z.minLength(1, expect(what)),
    z.maxLength(max, expect(`at most ${max} characters`)),
    z.refine(
      (s) => !CONTROL_BUT_LINES.test(s),
      expect(`${what} without control characters other than line breaks and tabs`),
    ),
    z.refine(wellFormed, expect('valid Unicode text (no lone surrogate halves)')),
  );
}

/** Free text with the control characters `freeText` refuses removed: for text typed into a form. */
export function withoutControls(s: string): string {
  return s.replace(new RegExp(CONTROL_BUT_LINES.source, 'gu'), '');
}

/**
 * A person's name: trimmed, and a name of spaces only is no name at all (absent), so templates render
 * their fallback ("Hello there,") rather than "Hello    ,".
 */
export function personName(max: number) {
  return z.pipe(
    lineText('a name (text)', max),
    z.transform((s: string) => s.trim() || undefined),
  );
}
