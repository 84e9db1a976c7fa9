// mailparser (installed with aws-ses-v2-local) ships no type declarations; this is the part the tests use.
declare module 'mailparser' {
  export interface ParsedMail {
    headers: Map<string, unknown>;
    /** Each header as it stood in the message, folded lines included. */
    headerLines: { key: string; line: string }[];
    subject?: string;
    date?: Date;
    messageId?: string;
    text?: string;
    html?: string | false;
  }
  export function simpleParser(source: Buffer | string): Promise<ParsedMail>;
}
