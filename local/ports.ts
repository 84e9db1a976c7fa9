/**
 * Each local service's port and the variable that moves it (named in the message when a port is busy).
 * Free of side effects, unlike local/main.ts (importing that starts Rapport), so tests can share it.
 */
export const PORT_VARIABLES = {
  api: ['RAPPORT_API_PORT', 4000],
  ses: ['RAPPORT_SES_PORT', 4001],
  dynamodb: ['RAPPORT_DYNAMODB_PORT', 4002],
  stepFunctions: ['RAPPORT_STEPFUNCTIONS_PORT', 4003],
  eventBridge: ['RAPPORT_EVENTBRIDGE_PORT', 4004],
  sms: ['RAPPORT_SMS_PORT', 4005],
} as const;

export type LocalService = keyof typeof PORT_VARIABLES;
export type Ports = Record<LocalService, number>;

/** The ports `npm start` listens on: each one's variable if set, its default otherwise. */
export function portsFromEnv(env: NodeJS.ProcessEnv = process.env): Ports {
  const entries = Object.entries(PORT_VARIABLES).map(([service, [name, fallback]]) => [
    service,
    Number(env[name] ?? fallback),
  ]);
  return Object.fromEntries(entries) as Ports;
}
