/**
 * What the bundles give nodemailer for its HTTP client (nodemailer/dist/esm/fetch/index.js,
 * infra/function-bundles.ts REPLACED_MODULES): MimeNode fetches a part's content only when it is given
 * as a URL (`href`), and a Rapport email's parts are the rendered text and html strings. 9 KB of HTTP
 * client, cookie jar and URL parser for a call never made; were one made, the message fails to build, as
 * nodemailer's own client reports a failed fetch: an error on the stream it returns.
 */
import { PassThrough } from 'node:stream';

export default function nmfetch(url: string): PassThrough {
  const stream = new PassThrough();
  process.nextTick(() =>
    stream.emit(
      'error',
      new Error(`Rapport's Lambda bundles fetch no email content by URL (asked for ${url})`),
    ),
  );
  return stream;
}
