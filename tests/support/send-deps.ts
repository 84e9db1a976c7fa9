import type { Clock } from '../../domain/clock';
import { loadWorkflows } from '../../domain/config/load';
import { createRenderer } from '../../domain/messages/render';
import type { SendDeps, SendMessageInput } from '../../domain/messages/send';
import type { CustomerStore } from '../../domain/ports';
import { WORKFLOWS_DIR } from './paths';

const workflows = loadWorkflows(WORKFLOWS_DIR);

/** first-small-purchase's thank-you email (transactional), as its execution exec-1 asks for it. */
export const THANK_YOU: SendMessageInput = {
  customerId: 'c-1',
  journeyId: 'first-small-purchase',
  journeyVersion: 1,
  stepId: 'thank-you',
  channel: 'email',
  template: 'first-purchase-thanks',
  category: 'transactional',
  priority: 'normal',
  executionId: 'exec-1',
  deferral: 'result',
};

/**
 * What sendMessage needs, on the shipped workflows, with providers that accept every message and list
 * it in `sent` ('email' or 'sms', in order); `providers` replaces either.
 */
export function sendDeps(
  store: CustomerStore,
  clock: Clock,
  providers: Partial<Pick<SendDeps, 'mailer' | 'sms'>> = {},
) {
  const sent: string[] = [];
  const deps: SendDeps = {
    store,
    clock,
    renderer: createRenderer(workflows),
    settings: workflows.settings,
    sender: 'Rapport <hello@rapport.example>',
    publicBaseUrl: 'https://rapport.example',
    linkSecret: async () => 'secret',
    mailer: providers.mailer ?? { send: async () => ({ messageId: `e-${sent.push('email')}` }) },
    sms: providers.sms ?? { send: async () => ({ messageId: `s-${sent.push('sms')}` }) },
  };
  return { deps, sent };
}
