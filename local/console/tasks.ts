import { escapeHtml as esc } from '../../functions/shared/http';
import type { LocalBusEvent } from '../eventbridge';

/** A request a journey's `task` step made of a person (call this VIP, reach out after a complaint). */
export interface ConsoleTask {
  taskId: string;
  at: string;
  customerId: string;
  journeyId: string;
  stepId: string;
  assignee: string;
  title: string;
  priority: string;
}

/**
 * The tasks among the bus's events (see tasksOf), newest first. EventBridge delivers at least once, so a
 * task published twice (a retried step) is shown once, by its taskId.
 */
export function consoleTasks(events: readonly LocalBusEvent[]): ConsoleTask[] {
  const seen = new Set<string>();
  const tasks: ConsoleTask[] = [];
  for (const { time, detail } of events) {
    const text = (k: string) => (typeof detail[k] === 'string' ? detail[k] : '');
    const task: ConsoleTask = {
      taskId: text('taskId'),
      at: time,
      customerId: text('customerId'),
      journeyId: text('journeyId'),
      stepId: text('stepId'),
      assignee: text('assignee'),
      title: text('title'),
      priority: text('priority'),
    };
    if (task.taskId !== '' && seen.has(task.taskId)) continue;
    seen.add(task.taskId);
    tasks.push(task);
  }
  return tasks.reverse();
}

/** The tasks page: every request to a person since this start, newest first, each linked to its customer. */
export function renderTasks(tasks: readonly ConsoleTask[]): string {
  return (
    `<h1>Tasks for people</h1><p>Requests the journeys made of people since the runtime started (on AWS: ` +
    `events on the EventBridge bus, which a rule routes to the team's tool). JSON: <a href="/_local/tasks">/_local/tasks</a>.</p>` +
    tasksTable(tasks, true)
  );
}

/** One customer's tasks on their page, with the link to all tasks. */
export function renderCustomerTasks(tasks: readonly ConsoleTask[], tasksHref: string): string {
  return `<h2 id="tasks">Tasks for people</h2>${tasksTable(tasks, false)}<p>All tasks: <a class="tasks-link" href="${esc(tasksHref)}">the tasks page</a>.</p>`;
}

function tasksTable(tasks: readonly ConsoleTask[], withCustomer: boolean): string {
  if (tasks.length === 0) return '<p class="none">No tasks for people.</p>';
  const head = ['Asked at', ...(withCustomer ? ['Customer'] : []), 'Who', 'Priority', 'Task', 'Journey step'];
  const rows = tasks.map((t) => {
    const customer = `<td class="text"><a href="/customers?${new URLSearchParams({ id: t.customerId }).toString()}#tasks">${esc(t.customerId)}</a></td>`;
    return (
      `<tr class="task" data-task="${esc(t.taskId)}"><th scope="row">${esc(t.at)}</th>${withCustomer ? customer : ''}` +
      [t.assignee, t.priority, t.title, `${t.journeyId} / ${t.stepId}`]
        .map((c) => `<td class="text">${esc(c)}</td>`)
        .join('') +
      '</tr>'
    );
  });
  return `<table class="tasks"><tr>${head.map((h) => `<th class="text">${esc(h)}</th>`).join('')}</tr>${rows.join('')}</table>`;
}
