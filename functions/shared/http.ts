import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { EventIdReusedError } from '../../domain/event-claim';
import type { LinkCheck } from '../../domain/messages/links';
import {
  RapportError,
  ValidationError,
  capProblems,
  previewValue,
  summarize,
  type Problem,
} from '../../domain/errors';

/** Largest request body Rapport accepts, in bytes (EventBridge's own entry limit). */
export const MAX_BODY_BYTES = 256 * 1024;

export class PayloadTooLargeError extends RapportError {
  override readonly name: string = 'PayloadTooLargeError';
}
export class MalformedJsonError extends ValidationError {
  override readonly name: string = 'MalformedJsonError';
}
/** A body in a form Rapport cannot read as given (its media type or its character set). */
export class UnsupportedMediaTypeError extends ValidationError {
  override readonly name: string = 'UnsupportedMediaTypeError';
}
/** A body whose bytes are not UTF-8 text. */
export class InvalidEncodingError extends ValidationError {
  override readonly name: string = 'InvalidEncodingError';
}

export function isHttpEvent(event: unknown): event is APIGatewayProxyEventV2 {
  return typeof event === 'object' && event !== null && 'requestContext' in event && 'rawPath' in event;
}

/** The raw bytes of a request body, refused over `MAX_BODY_BYTES`. */
function bodyBytes(event: APIGatewayProxyEventV2): Buffer {
  const raw = event.body ?? '';
  const body = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (body.byteLength > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(
      `request body is ${body.byteLength} bytes; expected at most ${MAX_BODY_BYTES} bytes (256 KB): send one event per request`,
    );
  }
  return body;
}

/** The body as text; bytes that are not UTF-8 are refused rather than silently turned into U+FFFD. */
function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    throw new InvalidEncodingError(
      'Invalid request',
      [
        {
          source: 'request body',
          field: '',
          expected: 'text encoded as UTF-8 (the body has bytes that are not)',
        },
      ],
      { cause: e },
    );
  }
}

function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const found = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === name);
  return found?.[1];
}

/**
 * Refuses (415) a body whose `content-type` is not one of `accepted`, or names a character set other than
 * UTF-8: parsing it anyway would store whatever the bytes happen to mean in UTF-8.
 */
function requireMediaType(event: APIGatewayProxyEventV2, accepted: readonly string[]): void {
  const given = header(event, 'content-type');
  const [type = '', ...params] = (given ?? '').split(';').map((p) => p.trim().toLowerCase());
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '');
  if (accepted.includes(type) && (charset === undefined || charset === 'utf-8')) return;
  throw new UnsupportedMediaTypeError('Unsupported media type', [
    {
      source: 'request headers',
      field: 'content-type',
      value: given,
      expected: `${accepted.map((a) => `"${a}"`).join(' or ')}, in UTF-8 (charset=utf-8 or no charset)`,
    },
  ]);
}

const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data'] as const;

/** Decodes and parses a JSON body, refusing oversize, non-JSON or malformed input with a precise message. */
export function parseJsonBody(event: APIGatewayProxyEventV2): unknown {
  const bytes = bodyBytes(event);
  requireMediaType(event, ['application/json']);
  const text = decodeUtf8(bytes);
  if (text.trim() === '') {
    throw new MalformedJsonError('Invalid request', [
      { source: 'request body', field: '', expected: 'a JSON object describing one event' },
    ]);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new MalformedJsonError(
      'Invalid request',
      [
        {
          source: 'request body',
          field: '',
          value: text.length > 60 ? `${text.slice(0, 57)}...` : text,
          expected: `valid JSON (${(e as Error).message.slice(0, 200)})`,
        },
      ],
      { cause: e },
    );
  }
}

export function json(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(body),
  };
}

export function html(statusCode: number, body: string): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'x-frame-options': 'DENY',
    },
    body,
  };
}

/**
 * The JSON shape of every error answer, on every route: what went wrong and, per field, the value given
 * and what was expected. At most `MAX_PROBLEMS_LISTED` problems are listed (then one "and N more"), and
 * quoted values are shortened, so the answer (and the log line that repeats it) stays small.
 */
export function errorBody(error: Error, problems: readonly Problem[] = [], requestId?: string) {
  return {
    error: error.name,
    message: error instanceof ValidationError ? summarize(error) : error.message,
    problems: capProblems(problems).map(({ field, value, expected }) => ({
      field,
      value: previewValue(value),
      expected,
    })),
    ...(requestId ? { requestId } : {}),
  };
}

/** A 500 says nothing of the cause (that goes to the log); the request id finds the log line. */
export function internalErrorBody(requestId: string | undefined) {
  return {
    error: 'InternalError',
    message:
      'Something went wrong on our side; nothing was changed by this request. Quote the requestId if you report it.',
    problems: [],
    ...(requestId ? { requestId } : {}),
  };
}

export function httpError(error: unknown, requestId?: string): APIGatewayProxyStructuredResultV2 | undefined {
  if (error instanceof PayloadTooLargeError)
    return json(
      413,
      errorBody(
        error,
        [{ field: '', expected: `a body of at most ${MAX_BODY_BYTES} bytes (256 KB)` }],
        requestId,
      ),
    );
  if (error instanceof UnsupportedMediaTypeError)
    return json(415, errorBody(error, error.problems, requestId));
  // The same event id with another payload: a conflict with what was received first, not a bad body.
  if (error instanceof EventIdReusedError) return json(409, errorBody(error, error.problems, requestId));
  if (error instanceof ValidationError) return json(400, errorBody(error, error.problems, requestId));
  return undefined;
}

/** The small print under a refused link's page: which claim was wrong, when the link says (never the token). */
export function linkProblemHtml(check: LinkCheck): string {
  const detail = linkProblemText(check);
  return detail ? `<p><small>${escapeHtml(detail)}</small></p>` : '';
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The small pages customers reach from links in emails (unsubscribe, preferences, survey scores). */
export function customerPage(lang: string, title: string, body: string): string {
  return (
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
    `<title>${title}</title></head><body style="font-family:sans-serif;max-width:480px;margin:48px auto;padding:0 16px">` +
    `${body}</body></html>`
  );
}

/**
 * The text of a form POST's body. A body-less POST (a mail client's one-click unsubscribe, a button
 * without fields) is fine; a body of another media type is refused (415), and one that is not UTF-8 (400).
 */
export function formBody(event: APIGatewayProxyEventV2, accepted: readonly string[] = FORM_TYPES): string {
  const bytes = bodyBytes(event);
  if (bytes.byteLength === 0) return '';
  requireMediaType(event, accepted);
  return decodeUtf8(bytes);
}

/**
 * The fields of an `application/x-www-form-urlencoded` body; percent-escapes that are not UTF-8 are
 * refused (400) rather than read as U+FFFD.
 */
export function formFields(event: APIGatewayProxyEventV2): URLSearchParams {
  const text = formBody(event, ['application/x-www-form-urlencoded']);
  for (const part of text.split(/[&=]/)) {
    try {
      decodeURIComponent(part.replace(/\+/g, ' '));
    } catch (e) {
      throw new InvalidEncodingError(
        'Invalid request',
        [
          {
            source: 'request body',
            field: '',
            value: part.slice(0, 60),
            expected: 'form fields encoded as UTF-8',
          },
        ],
        { cause: e },
      );
    }
  }
  return new URLSearchParams(text);
}

type HttpHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/** Answers input the handler refused (a ValidationError) with its 4xx instead of failing the invocation. */
export function answeringInputErrors(handle: HttpHandler): HttpHandler {
  return async (event) => {
    try {
      return await handle(event);
    } catch (error) {
      const answer = httpError(error, event.requestContext?.requestId);
      if (answer) return answer;
      throw error;
    }
  };
}

/**
 * Names the claims a refused link got wrong, for the page that says so (no values: they are echoed
 * nowhere). Here rather than beside the claims' schemas, which the event endpoints never build.
 */
function linkProblemText(check: LinkCheck): string {
  if (check.ok || !check.problems?.length) return '';
  return check.problems.map((p) => `${p.field || 'claims'}: expected ${p.expected}`).join('; ');
}
