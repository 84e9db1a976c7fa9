import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  Table,
  TableEncryption,
  type ITable,
} from 'aws-cdk-lib/aws-dynamodb';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { DUE_INDEX, TABLE_KEYS } from '../adapters/dynamodb/table';
import { acknowledgeNag } from './nag';

/**
 * What must outlive any stack: the table (profiles, consent records) and the link-signing secret (every
 * link in mail already sent). Both are retained on delete; given by name or ARN (context tableName,
 * linkSigningSecretArn), the retained ones are used again, so a stage deployed after a destroy keeps its
 * customers' consents and links. Imported or created, they keep the construct id they always had.
 */
export function customerTable(scope: Construct, tableName: string | undefined): ITable {
  if (tableName !== undefined)
    // The due index named: what grants and alarms on it need (table-access.ts, service-alarms.ts).
    return Table.fromTableAttributes(scope, 'Table', { tableName, globalIndexes: [DUE_INDEX.name] });
  const table = new Table(scope, 'Table', {
    partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
    sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: TableEncryption.AWS_MANAGED,
    // Profiles and consent records (who unsubscribed, when) must outlive any stack.
    removalPolicy: RemovalPolicy.RETAIN,
    deletionProtection: true,
  });
  // Sparse: only customers with a due time (an inactivity threshold ahead) are in it; the sweep reads it.
  table.addGlobalSecondaryIndex({
    indexName: DUE_INDEX.name,
    partitionKey: { name: DUE_INDEX.partitionKey, type: AttributeType.STRING },
    sortKey: { name: DUE_INDEX.sortKey, type: AttributeType.STRING },
    projectionType: ProjectionType.KEYS_ONLY,
  });
  return table;
}

/** The HMAC key of links in emails: the one at `secretArn` (a complete ARN), or a new one. */
export function linkSigningSecret(scope: Construct, secretArn: string | undefined): ISecret {
  if (secretArn !== undefined) return Secret.fromSecretCompleteArn(scope, 'LinkSigningSecret', secretArn);
  const secret = new Secret(scope, 'LinkSigningSecret', {
    description: 'Rapport: HMAC key that signs unsubscribe links in emails',
    generateSecretString: { passwordLength: 64, excludePunctuation: true },
    // Deleting it would invalidate every link in mail already sent.
    removalPolicy: RemovalPolicy.RETAIN,
  });
  acknowledgeNag(
    secret,
    'SMG4',
    'An HMAC key for links in emails, rotated manually: an automatic rotation would invalidate the ' +
      'unsubscribe links in every email already sent, and there is no external credential to rotate.',
  );
  return secret;
}
