import type { MessageTemplate } from './template';

/**
 * The email part of a template, when it has one. Apart from template.ts so that send-message, which
 * renders templates validated at synth, does not build their schemas at cold start.
 */
export function hasEmail(
  t: MessageTemplate,
): t is MessageTemplate & { subject: string; text: string; html: string } {
  return t.subject !== undefined && t.text !== undefined && t.html !== undefined;
}
