import { assertNever } from '../../domain/assert-never';
import type { AlarmNotice, AlarmState, Notice } from './alarm-message';

/** The body each chat's incoming webhook takes (context alarmChat.format). */
export const CHAT_FORMATS = ['slack', 'teams', 'chime', 'json'] as const;
export type ChatFormat = (typeof CHAT_FORMATS)[number];

const RUNBOOK_SECTION = 'README "Runbook: alarms"';

function headline(state: AlarmState): { label: string; emoji: string; colour: string } {
  switch (state) {
    case 'ALARM':
      return { label: 'ALARM', emoji: '🔴', colour: 'attention' };
    case 'OK':
      return { label: 'OK', emoji: '✅', colour: 'good' };
    case 'INSUFFICIENT_DATA':
      return { label: 'INSUFFICIENT DATA', emoji: '⚪', colour: 'warning' };
    default:
      return assertNever(state);
  }
}

/** The lines every format shows, in plain text: name and state, what it means, why, where to look. */
function lines(n: AlarmNotice): { title: string; body: string[] } {
  const h = headline(n.state);
  return {
    title: `${h.emoji} ${h.label}: ${n.alarmName}`,
    body: [
      n.description,
      n.reason && `Reason: ${n.reason}`,
      n.runbook && `Runbook: ${n.runbook} (${RUNBOOK_SECTION})`,
    ].filter((l): l is string => Boolean(l)),
  };
}

/** Slack's mrkdwn gives `&`, `<` and `>` a meaning: escaped, a reason quoting them reads as written. */
const slackText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function slack(n: Notice): object {
  if (n.kind === 'other') return { text: slackText(`${n.subject}\n${n.text}`) };
  const { title, body } = lines(n);
  const link = n.consoleUrl ? `\n<${n.consoleUrl}|Open in the CloudWatch console>` : '';
  // `text` alone: Slack shows it in the channel and in the notification alike.
  return { text: `*${slackText(title)}*\n${body.map(slackText).join('\n')}${link}` };
}

/** An Adaptive Card, as a Teams Workflows webhook ("Post to a channel when a webhook request is received") takes it. */
function teams(n: Notice): object {
  const card = (title: string, body: string[], colour: string, url?: string) => ({
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: {
          type: 'AdaptiveCard',
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: title, weight: 'Bolder', size: 'Medium', color: colour, wrap: true },
            ...body.map((text) => ({ type: 'TextBlock', text, wrap: true })),
          ],
          actions: url ? [{ type: 'Action.OpenUrl', title: 'Open in the CloudWatch console', url }] : [],
        },
      },
    ],
  });
  if (n.kind === 'other') return card(n.subject, [n.text], 'default');
  const { title, body } = lines(n);
  return card(title, body, headline(n.state).colour, n.consoleUrl);
}

/** Amazon Chime's webhook: `Content` is the message (up to 4 KB), Markdown after `/md`. */
function chime(n: Notice): object {
  if (n.kind === 'other') return { Content: `${n.subject}\n${n.text}`.slice(0, 4_000) };
  const { title, body } = lines(n);
  const link = n.consoleUrl ? [`[Open in the CloudWatch console](${n.consoleUrl})`] : [];
  return { Content: `/md **${title}**\n${[...body, ...link].join('\n')}`.slice(0, 4_000) };
}

/** The notice as JSON, for a receiver of one's own. */
function json(n: Notice): object {
  return n;
}

/** The webhook's JSON body for the notice. */
export function chatBody(format: ChatFormat, notice: Notice): object {
  switch (format) {
    case 'slack':
      return slack(notice);
    case 'teams':
      return teams(notice);
    case 'chime':
      return chime(notice);
    case 'json':
      return json(notice);
    default:
      return assertNever(format);
  }
}
