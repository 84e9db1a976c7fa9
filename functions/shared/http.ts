import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { RapportError, ValidationError, type Problem } from '../../domain/errors';

/** Largest request body Rapport accepts, in bytes (EventBridge's own entry limit). */
export const MAX_BODY_BYTES = 256 * 1024;

export class PayloadTooLargeError extends RapportError {}
export class MalformedJsonError extends ValidationError {}

export function isHttpEvent(event: unknown): event is APIGatewayProxyEventV2 {
  return typeof event === 'object' && event !== null && 'requestContext' in event && 'rawPath' in event;
}

/** Decodes and parses a JSON body, refusing oversize or malformed input with a precise message. */
export function parseJsonBody(event: APIGatewayProxyEventV2): unknown {
  const raw = event.body ?? '';
  const body = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (body.byteLength > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(
      `request body is ${body.byteLength} bytes; expected at most ${MAX_BODY_BYTES} bytes (256 KB): send one event per request`,
    );
  }
  const text = body.toString('utf8');
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
          expected: `valid JSON (${(e as Error).message})`,
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

/** The JSON shape of every 4xx answer: what went wrong and, per field, what was expected. */
export function errorBody(error: Error, problems: readonly Problem[] = []) {
  return {
    error: error.name,
    message: error.message,
    problems: problems.map(({ field, value, expected }) => ({ field, value, expected })),
  };
}

export function httpError(error: unknown): APIGatewayProxyStructuredResultV2 | undefined {
  if (error instanceof PayloadTooLargeError) return json(413, errorBody(error));
  if (error instanceof ValidationError) return json(400, errorBody(error, error.problems));
  return undefined;
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

/** The fields of an `application/x-www-form-urlencoded` request body. */
export function formFields(event: APIGatewayProxyEventV2): URLSearchParams {
  const raw = event.body ?? '';
  return new URLSearchParams(event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw);
}
