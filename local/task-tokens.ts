import { AwsJsonError } from './aws-json-server';

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  deadline: number;
  executionArn: string;
}

/**
 * The task tokens of `.waitForTaskToken` states waiting for SendTaskSuccess or SendTaskFailure, each with
 * its deadline: the state's TimeoutSeconds counted from when it was first entered, so a wait resumed
 * after a restart still ends when it would have (the interpreter's own timer starts again with it).
 */
export class TaskTokens {
  private readonly pending = new Map<string, Pending>();

  /** Registers `token`, runs `handOut` (which gives it to the state's function), and waits for the answer. */
  async wait(
    token: string,
    executionArn: string,
    deadline: string | undefined,
    handOut: () => Promise<unknown>,
  ): Promise<unknown> {
    let resolve!: (v: unknown) => void;
    let reject!: (e: Error) => void;
    const answered = new Promise<unknown>((res, rej) => ((resolve = res), (reject = rej)));
    const due = deadline ? Date.parse(deadline) : Infinity;
    this.pending.set(token, { resolve, reject, deadline: due, executionArn });
    const timer = Number.isFinite(due)
      ? setTimeout(
          () => {
            if (this.pending.delete(token)) reject(statesTimeout());
          },
          Math.max(0, due - Date.now()),
        )
      : undefined;
    try {
      await handOut();
      return await answered;
    } finally {
      clearTimeout(timer);
    }
  }

  /** SendTaskSuccess / SendTaskFailure, with AWS's answers for a token whose wait is over. */
  complete(
    token: string,
    outcome: { output: unknown } | { error: string; cause: string },
    isRunning: (executionArn: string) => boolean,
  ): void {
    const pending = this.pending.get(token);
    if (!pending) throw new AwsJsonError('TaskDoesNotExist', 'Task Does Not Exist');
    this.pending.delete(token);
    if (Date.now() > pending.deadline) throw new AwsJsonError('TaskTimedOut', 'Task Timed Out');
    if (!isRunning(pending.executionArn)) throw new AwsJsonError('TaskDoesNotExist', 'Task Does Not Exist');
    if ('output' in outcome) pending.resolve(outcome.output);
    else pending.reject(Object.assign(new Error(outcome.cause), { name: outcome.error }));
  }
}

/** What the interpreter throws when a state's TimeoutSeconds runs out: a Catch on States.Timeout takes it. */
function statesTimeout(): Error {
  return Object.assign(new Error('States.Timeout'), { name: 'States.Timeout' });
}
