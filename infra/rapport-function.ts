import type { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { Workflows } from '../domain/config/load';
import { scaleEnv, type Scale } from '../domain/config/scale';
import type { FunctionName } from '../functions/routes';
import { HandlerFunction } from './handler-function';
import { grantTableAccess } from './table-access';

/** What every Rapport function gets, whichever part of the stack it belongs to. */
export interface FunctionSettings {
  projectRoot: string;
  /** The workflows the stack was built from, packaged with the handlers that read them at cold start. */
  workflows: Workflows;
  logRetention: RetentionDays;
  table: ITable;
  scale: Scale;
}

export interface RapportFunctionProps {
  name: FunctionName;
  timeout: Duration;
  /** Default true; false: no copy of the workflows in the package (see HandlerFunction). */
  readsWorkflows?: boolean;
  deadLetterQueue?: IQueue;
  reservedConcurrency?: number;
  environment?: Record<string, string>;
}

/**
 * A handler with the table's name and the scale settings in its environment, and only the DynamoDB actions
 * its handler uses (table-access.ts).
 */
export function rapportFunction(
  scope: Construct,
  id: string,
  settings: FunctionSettings,
  props: RapportFunctionProps,
): HandlerFunction {
  const f = new HandlerFunction(scope, id, {
    name: props.name,
    projectRoot: settings.projectRoot,
    ...(props.readsWorkflows === false ? {} : { workflows: settings.workflows }),
    logRetention: settings.logRetention,
    timeout: props.timeout,
    ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue } : {}),
    ...(props.reservedConcurrency === undefined ? {} : { reservedConcurrency: props.reservedConcurrency }),
    environment: {
      TABLE_NAME: settings.table.tableName,
      ...scaleEnv(settings.scale),
      ...props.environment,
    },
  });
  grantTableAccess(settings.table, props.name, f.fn);
  return f;
}
