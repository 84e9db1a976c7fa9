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
