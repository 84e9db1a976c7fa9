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
  const templates = new Map<string, 'email' | 'sms'>();
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
      for (const a of Object.values(JourneyResponse?.Activities ?? {})) {
        if (a.EMAIL?.TemplateName) templates.set(`email:${a.EMAIL.TemplateName}`, 'email');
        if (a.SMS?.TemplateName) templates.set(`sms:${a.SMS.TemplateName}`, 'sms');
      }
    }
    token = page.JourneysResponse?.NextToken;
  } while (token);
  for (const [key, channel] of templates) {
    const name = key.slice(key.indexOf(':') + 1);
    const text =
      channel === 'email'
        ? JSON.stringify({
            EmailTemplateResponse: (await client.send(new GetEmailTemplateCommand({ TemplateName: name })))
              .EmailTemplateResponse,
          })
        : JSON.stringify({
            SMSTemplateResponse: (await client.send(new GetSmsTemplateCommand({ TemplateName: name })))
              .SMSTemplateResponse,
          });
    files.push({ source: `pinpoint:template/${name}`, text });
  }
  return files;
}
