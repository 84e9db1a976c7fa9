import type { LocalBusEvent } from '../../local/eventbridge';
import { consoleTasks } from '../../local/console/tasks';

/** A task event as a journey's `task` step publishes it (only the fields the console reads). */
const taskEvent = (taskId: string, time: string): LocalBusEvent => ({
  id: `ev-${taskId}-${time}`,
  time,
  eventBusName: 'rapport',
  source: 'rapport.journeys',
  detailType: 'Task',
  detail: {
    taskId,
    customerId: 'c-1',
    journeyId: 'j',
    stepId: 's',
    assignee: 'crm',
    title: 'Call',
    priority: 'high',
  },
});

it('shows a task delivered twice (EventBridge delivers at least once) once, newest first', () => {
  const tasks = consoleTasks([
    taskEvent('t-1', '2026-11-22T10:00:00Z'),
    taskEvent('t-2', '2026-11-22T11:00:00Z'),
    // The retried step's second publication of t-1.
    taskEvent('t-1', '2026-11-22T12:00:00Z'),
  ]);
  expect(tasks.map((t) => [t.taskId, t.at])).toEqual([
    ['t-2', '2026-11-22T11:00:00Z'],
    ['t-1', '2026-11-22T10:00:00Z'],
  ]);
  expect(tasks[0]).toMatchObject({ customerId: 'c-1', assignee: 'crm', title: 'Call', priority: 'high' });
});
