/**
 * What the bundles give nodemailer for its mime-funcs/mime-types.js (infra/function-bundles.ts
 * REPLACED_MODULES): its 76 KB table maps ~1,800 file extensions to MIME types and back. nodemailer
 * consults it only for an attachment, an alternative or a node with a filename and no content type; a
 * Rapport email has text and html, whose types MailComposer states itself, so the table is never read
 * (tests/unit/mime-types-shim.test.ts composes real emails both ways). The few types an email could carry
 * are kept, with nodemailer's answers; any other gets its defaults (application/octet-stream, `bin`).
 */
import { parse } from 'node:path';

const TYPES: [type: string, extensions: string[]][] = [
  ['text/plain', ['txt']],
  ['text/html', ['html', 'htm']],
  ['text/css', ['css']],
  ['text/csv', ['csv']],
  ['text/calendar', ['ics']],
  ['application/json', ['json']],
  ['application/pdf', ['pdf']],
  ['application/zip', ['zip']],
  ['message/rfc822', ['eml']],
  ['image/png', ['png']],
  // nodemailer names a JPEG `jpeg`, and gives `jpg` the type too.
  ['image/jpeg', ['jpeg', 'jpg']],
  ['image/gif', ['gif']],
  ['image/svg+xml', ['svg']],
  ['image/webp', ['webp']],
  // nodemailer's table has `*` for it: an attachment without a name is called `attachment-1.*`.
  ['application/octet-stream', ['*']],
];

const DEFAULT_TYPE = 'application/octet-stream';
const BY_TYPE = new Map(TYPES.map(([type, extensions]) => [type, extensions[0]!]));
const BY_EXTENSION = new Map(
  TYPES.flatMap(([type, extensions]) => extensions.map((e) => [e, type] as const)),
);

/** The MIME type of a file name, path or bare extension, as nodemailer's table gives it. */
export function detectMimeType(filename?: string | false): string {
  if (!filename) return DEFAULT_TYPE;
  // nodemailer's own parse: the extension, else the name itself (a bare `png`).
  const parsed = parse(filename);
  const extension = (parsed.ext.slice(1) || parsed.name || '').split('?')[0]!.trim().toLowerCase();
  return BY_EXTENSION.get(extension) ?? DEFAULT_TYPE;
}

/** The file extension for a MIME type, as nodemailer's table gives it (`txt` for other text, else `bin`). */
export function detectExtension(mimeType?: string | false): string {
  if (!mimeType) return 'bin';
  const [root = '', ...sub] = mimeType.toLowerCase().trim().split('/');
  const known = BY_TYPE.get(`${root.trim()}/${sub.join('/').trim()}`);
  if (known) return known;
  return root.trim() === 'text' ? 'txt' : 'bin';
}
