import { Stack } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  AlarmStatusWidgetSortBy,
  CompositeAlarm,
  ConcreteWidget,
  type IAlarm,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IConstruct } from 'constructs';

/** CloudWatch shows at most this many alarms in one alarm status widget. */
export const ALARMS_PER_STATUS_WIDGET = 100;
const WIDTH = 24;
const HEIGHT = 6;

/** Every alarm of the stack `scope` is in, in construct-tree order. */
export function stackAlarms(scope: IConstruct): IAlarm[] {
  return Stack.of(scope)
    .node.findAll()
    .filter((c): c is Alarm | CompositeAlarm => c instanceof Alarm || c instanceof CompositeAlarm);
}

/**
 * The dashboard's top row: the state of every alarm of the stack, those in ALARM first. The alarms are
 * read from the construct tree when the dashboard body is rendered (at synth), so an alarm any part adds,
 * before or after the dashboard, is shown without a list to keep. More than CloudWatch's 100 per widget
 * are split over widgets side by side in the row.
 */
export class StackAlarmsWidget extends ConcreteWidget {
  constructor(private readonly scope: IConstruct) {
    super(WIDTH, HEIGHT);
  }

  toJson(): unknown[] {
    const alarms = stackAlarms(this.scope);
    const parts = Math.max(1, Math.ceil(alarms.length / ALARMS_PER_STATUS_WIDGET));
    const width = Math.floor(WIDTH / parts);
    return Array.from({ length: parts }, (_, i) => {
      const widget = new AlarmStatusWidget({
        title: parts === 1 ? 'Alarms (in ALARM first)' : `Alarms (${i + 1} of ${parts}, in ALARM first)`,
        alarms: alarms.slice(i * ALARMS_PER_STATUS_WIDGET, (i + 1) * ALARMS_PER_STATUS_WIDGET),
        sortBy: AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP,
        width,
        height: HEIGHT,
      });
      widget.position((this.x ?? 0) + i * width, this.y ?? 0);
      return widget.toJson();
    }).flat();
  }
}
