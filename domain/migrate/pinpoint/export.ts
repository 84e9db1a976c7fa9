import type * as z from 'zod';
import { ValidationError, type Problem } from '../../errors';
import { zodProblems } from '../../config/problems';
import { EmailTemplate, Journey, SmsTemplate } from './schema';

/** What was exported from one Pinpoint project: its journeys and the templates they send, by name. */
export interface PinpointExport {
  journeys: { source: string; journey: Journey }[];
  email: Record<string, EmailTemplate>;
  sms: Record<string, SmsTemplate>;
}

export class PinpointExportError extends ValidationError {
  override readonly name: string = 'PinpointExportError';
}

const KINDS = [
  { key: 'JourneyResponse', schema: Journey, kind: 'journey' },
  { key: 'EmailTemplateResponse', schema: EmailTemplate, kind: 'email' },
  { key: 'SMSTemplateResponse', schema: SmsTemplate, kind: 'sms' },
] as const;

/**
 * Reads exported files (`aws pinpoint get-journey … > x.json` and the template commands), each given as
 * its name and text. Every file is checked before this returns: one malformed file refuses them all, with
 * every problem naming the file and field.
 */
export function readPinpointExport(files: readonly { source: string; text: string }[]): PinpointExport {
  const result: PinpointExport = { journeys: [], email: {}, sms: {} };
  const problems: Problem[] = [];
  for (const { source, text } of files) {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      problems.push({ source, field: '', expected: `JSON (${(e as Error).message})` });
      continue;
    }
    const record = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
    const kind = KINDS.find((k) => k.key in record);
    if (!kind) {
      problems.push({
        source,
        field: '',
        value: Object.keys(record).join(', ') || data,
        expected:
          'the output of aws pinpoint get-journey, get-email-template or get-sms-template: a JSON object with JourneyResponse, EmailTemplateResponse or SMSTemplateResponse',
      });
      continue;
    }
    const parsed = (kind.schema as z.ZodType).safeParse(record[kind.key]);
    if (!parsed.success) {
      problems.push(...zodProblems(parsed.error, record[kind.key], { source, prefix: [kind.key] }));
      continue;
    }
    if (kind.kind === 'journey') result.journeys.push({ source, journey: parsed.data as Journey });
    else if (kind.kind === 'email')
      result.email[(parsed.data as EmailTemplate).TemplateName] = parsed.data as EmailTemplate;
    else result.sms[(parsed.data as SmsTemplate).TemplateName] = parsed.data as SmsTemplate;
  }
  if (problems.length) throw new PinpointExportError('The Pinpoint export cannot be read', problems);
  return result;
}
