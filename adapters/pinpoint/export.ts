import {
  GetEmailTemplateCommand,
  GetJourneyCommand,
  GetSmsTemplateCommand,
  ListJourneysCommand,
  type PinpointClient,
} from '@aws-sdk/client-pinpoint';

/**
 * A Pinpoint project's journeys and the templates they send, read from the API as the files the AWS CLI
 * saves (`{"JourneyResponse": …}`), so that the same reader checks both (domain/migrate/pinpoint/export.ts).
 */
export async function fetchPinpointExport(
  client: Pick<PinpointClient, 'send'>,
  applicationId: string,
): Promise<{ source: string; text: string }[]> {
  const files: { source: string; text: string }[] = [];
  // The version a journey's activity names (the active one when it names none), fetched once per name.
  const templates = new Map<string, { channel: 'email' | 'sms'; name: string; version?: string }>();
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListJourneysCommand({ ApplicationId: applicationId, PageSize: '50', Token: token }),
    );
    for (const item of page.JourneysResponse?.Item ?? []) {
      const { JourneyResponse } = await client.send(
        new GetJourneyCommand({ ApplicationId: applicationId, JourneyId: item.Id! }),
      );
      files.push({ source: `pinpoint:journey/${item.Id}`, text: JSON.stringify({ JourneyResponse }) });
      for (const a of Object.values(JourneyResponse?.Activities ?? {}))
        for (const [channel, m] of [
          ['email', a.EMAIL],
          ['sms', a.SMS],
        ] as const)
          if (m?.TemplateName && !templates.has(`${channel}:${m.TemplateName}`))
            templates.set(`${channel}:${m.TemplateName}`, {
              channel,
              name: m.TemplateName,
              version: m.TemplateVersion,
            });
    }
    token = page.JourneysResponse?.NextToken;
  } while (token);
  for (const { channel, name, version } of templates.values()) {
    const input = { TemplateName: name, Version: version };
    const text =
      channel === 'email'
        ? JSON.stringify({
            EmailTemplateResponse: (await client.send(new GetEmailTemplateCommand(input)))
              .EmailTemplateResponse,
          })
        : JSON.stringify({
            SMSTemplateResponse: (await client.send(new GetSmsTemplateCommand(input))).SMSTemplateResponse,
          });
    files.push({ source: `pinpoint:template/${name}`, text });
  }
  return files;
}
