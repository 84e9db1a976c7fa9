import { join } from 'node:path';
import { composeMime } from '../../adapters/email/ses-mailer';
import { loadWorkflows } from '../../domain/config/load';
import { newProfile } from '../../domain/lifecycle/apply';
import { previewSend, renderPreview } from '../../domain/messages/preview';
import type { RawEmail } from '../../domain/ports';
import * as shim from '../../functions/shared/mime-types-shim';
import * as fetchShim from '../../functions/shared/nodemailer-fetch-shim';
import { REPLACED_MODULES } from '../../infra/function-bundles';
import { WORKFLOWS_DIR } from '../support/paths';

type MimeTypes = typeof shim;
// What the bundles replace (infra/function-bundles.ts): the module MailComposer loads here, under jest.
const REAL_PATH = join(__dirname, '..', '..', 'node_modules/nodemailer/dist/cjs/mime-funcs/mime-types.js');
const FETCH_PATH = join(__dirname, '..', '..', 'node_modules/nodemailer/dist/cjs/fetch/index.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const real = require(REAL_PATH) as MimeTypes;

describe("the bundles' MIME-type table", () => {
  it('replaces both builds of nodemailer’s table and HTTP client with the shims', () => {
    expect(REPLACED_MODULES).toMatchObject({
      'node_modules/nodemailer/dist/esm/mime-funcs/mime-types.js': 'functions/shared/mime-types-shim.ts',
      'node_modules/nodemailer/dist/cjs/mime-funcs/mime-types.js': 'functions/shared/mime-types-shim.ts',
      'node_modules/nodemailer/dist/esm/fetch/index.js': 'functions/shared/nodemailer-fetch-shim.ts',
      'node_modules/nodemailer/dist/cjs/fetch/index.js': 'functions/shared/nodemailer-fetch-shim.ts',
    });
  });

  it('answers as nodemailer does for the types it keeps, and with its defaults', () => {
    const names = [
      ...['txt', 'html', 'htm', 'css', 'csv', 'ics', 'json', 'pdf', 'zip', 'eml'],
      ...['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'bin', 'md', 'heic', '*'],
      ...['Logo.PNG', 'a/b/report.pdf', 'https://x.example/i/banner.jpg?v=2', '.bashrc', 'png.', 'x', ''],
    ];
    for (const name of names)
      expect({ name, type: shim.detectMimeType(name) }).toEqual({ name, type: real.detectMimeType(name) });
    expect(shim.detectMimeType(false)).toBe(real.detectMimeType(false));
    expect(shim.detectMimeType()).toBe(real.detectMimeType());

    const types = [
      ...['text/plain', 'text/html', 'text/css', 'text/csv', 'text/calendar', 'application/json'],
      ...['application/pdf', 'application/zip', 'message/rfc822', 'image/png', 'image/jpeg', 'image/gif'],
      ...['image/svg+xml', 'image/webp', 'application/octet-stream', ' Image/PNG ', 'text/x-unknown'],
      ...['application/x-unknown', 'garbage', ''],
    ];
    for (const type of types)
      expect({ type, ext: shim.detectExtension(type) }).toEqual({ type, ext: real.detectExtension(type) });
    expect(shim.detectExtension(false)).toBe(real.detectExtension(false));
  });

  it('gives the defaults for a type it leaves out (which nodemailer knows)', () => {
    expect(real.detectMimeType('report.docx')).not.toBe('application/octet-stream');
    expect(shim.detectMimeType('report.docx')).toBe('application/octet-stream');
    expect(real.detectExtension('video/mp4')).toBe('mp4');
    expect(shim.detectExtension('video/mp4')).toBe('bin');
  });
});

describe('a Rapport email composed with the shims (MIME types, no HTTP client)', () => {
  const workflows = loadWorkflows(WORKFLOWS_DIR);
  const now = new Date('2026-11-22T04:00:00.000Z');
  // nodemailer draws each multipart boundary at random: the rest of the message must be the same bytes.
  const sameBoundaries = (mime: Buffer) =>
    mime.toString('latin1').replace(/--_NmP-[0-9a-f]+-Part_\d+/g, '--boundary');

  async function emails(): Promise<RawEmail[]> {
    const out: RawEmail[] = [];
    for (const [template, locales] of Object.entries(workflows.templates))
      for (const locale of Object.keys(locales)) {
        const profile = {
          ...newProfile(`c-${template}`, workflows.lifecycle, now),
          ...{ firstName: locale === 'en' ? 'Li' : '明月', email: 'li@example.com', locale },
        };
        const input = previewSend(workflows, template, profile);
        const { email } = await renderPreview(workflows, input, profile, {
          now,
          sender: 'Rapport <hello@rapport.local>',
          locale,
        });
        if (email) out.push(email.email);
      }
    return out;
  }

  it('is the same message, byte for byte, never consults the table and fetches nothing', async () => {
    const asked: string[] = [];
    const counting: MimeTypes = {
      detectMimeType: (f) => (asked.push(`type of ${String(f)}`), shim.detectMimeType(f)),
      detectExtension: (t) => (asked.push(`extension of ${String(t)}`), shim.detectExtension(t)),
    };
    let shimmed: typeof composeMime = composeMime;
    let funcs: MimeTypes = real;
    jest.isolateModules(() => {
      jest.doMock(REAL_PATH, () => counting);
      jest.doMock(FETCH_PATH, () => fetchShim);
      /* eslint-disable @typescript-eslint/no-require-imports */
      shimmed = (require('../../adapters/email/ses-mailer') as { composeMime: typeof composeMime })
        .composeMime;
      funcs = require('nodemailer/lib/mime-funcs') as MimeTypes;
      /* eslint-enable @typescript-eslint/no-require-imports */
    });
    // The composer those emails go through asks the shim: here, for an attachment's type.
    expect(funcs.detectMimeType('logo.png')).toBe('image/png');
    expect(asked).toEqual(['type of logo.png']);
    asked.length = 0;
    const all = await emails();
    // A part given by URL would be fetched: the fetch shim fails the message (no Rapport email has one).
    const byUrl = { ...all[0]!, html: { href: 'https://example.com/x.html' } } as unknown as RawEmail;
    await expect(shimmed(byUrl)).rejects.toThrow('fetch no email content by URL');

    // Every template with an email, in both languages (English and Chinese: ASCII and base64 headers).
    expect(all.length).toBeGreaterThanOrEqual(20);
    for (const email of all)
      expect(sameBoundaries(await shimmed(email))).toBe(sameBoundaries(await composeMime(email)));
    expect(asked).toEqual([]);
  });
});
