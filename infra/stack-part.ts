import { createHash } from 'node:crypto';
import { Stack, type CfnElement } from 'aws-cdk-lib';
import { Construct, type IConstruct } from 'constructs';

/**
 * A group of the stack's resources by concern (events API, journeys, messaging, sweep, observability):
 * the code's organisation only. Its id is left out of the logical IDs of what it holds (see
 * logicalIdWithoutParts), so grouping resources never renames them: on a deployed stack a new logical ID
 * replaces the resource, which for the table, the dead-letter queues and every resource with a fixed name
 * (bus, configuration set, state machines, schedule) would lose data or fail with "already exists".
 */
export abstract class StackPart extends Construct {}

/** A stack made of StackParts, whose logical IDs are as if the parts were not there. */
export abstract class StackOfParts extends Stack {
  private readonly logicalIds = new Map<string, string>();

  /** Two resources that would share a logical ID are refused here rather than one overwriting the other. */
  protected override allocateLogicalId(element: CfnElement): string {
    const id = logicalIdWithoutParts(element, this);
    const taken = this.logicalIds.get(id);
    if (taken !== undefined && taken !== element.node.path)
      throw new Error(`${element.node.path} and ${taken} would share the logical ID ${id}: rename one`);
    this.logicalIds.set(id, element.node.path);
    return id;
  }
}

/**
 * The logical ID CDK would give `element` if the StackParts above it were not there: the path below the
 * stack, parts removed, through CDK's own algorithm (makeUniqueId, which aws-cdk-lib does not export; the
 * copy is pinned by tests/infra/stack-part.test.ts against what CDK allocates).
 */
export function logicalIdWithoutParts(element: CfnElement, stack: IConstruct): string {
  const scopes = element.node.scopes;
  const below = scopes.slice(scopes.indexOf(stack) + 1);
  return uniqueId(below.filter((s) => !(s instanceof StackPart)).map((s) => s.node.id));
}

const HIDDEN_ID = 'Default';
const HIDDEN_FROM_HUMAN_ID = 'Resource';
const HASH_LEN = 8;
const MAX_HUMAN_LEN = 240;
const MAX_ID_LEN = 255;

/** CDK's makeUniqueId (aws-cdk-lib core/lib/private/uniqueid.ts), for path components without tokens. */
export function uniqueId(path: readonly string[]): string {
  const components = path.filter((c) => c !== HIDDEN_ID);
  if (components.length === 0) throw new Error('a logical ID needs at least one path component');
  const alphanumeric = (s: string) => s.replace(/[^A-Za-z0-9]/g, '');
  if (components.length === 1) {
    const candidate = alphanumeric(components[0]!);
    if (candidate.length <= MAX_ID_LEN) return candidate;
  }
  const hash = createHash('md5').update(components.join('/')).digest('hex').slice(0, HASH_LEN).toUpperCase();
  const human: string[] = [];
  for (const c of components) if (human.length === 0 || !human.at(-1)!.endsWith(c)) human.push(c);
  return (
    human
      .filter((c) => c !== HIDDEN_FROM_HUMAN_ID)
      .map(alphanumeric)
      .join('')
      .slice(0, MAX_HUMAN_LEN) + hash
  );
}
