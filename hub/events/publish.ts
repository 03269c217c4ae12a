// What the live stream tells browsers and scripts: every fleet event (processes, nodes, CPU and
// memory samples), each rolling-restart step and each new activity entry, in the API's JSON shapes.
import type { RollingRestarts } from '../actions/rolling.js';
import type { FleetSnapshot } from '../nodes/snapshot.js';
import type { ActivityService } from '../services/activity.js';
import { activityJson, nodeGeneral, processJson, rollingJson } from '../services/json.js';
import type { EventStream } from './event-stream.js';

export function publishFleet(o: { snapshot: FleetSnapshot; rolling: RollingRestarts; activity: ActivityService; events: EventStream }): () => void {
  const offs = [
    o.snapshot.subscribe((e) => {
      switch (e.type) {
        case 'process': {
          const skew = o.snapshot.node(e.node)?.clockSkew ?? 0;
          o.events.publish('process', { node: e.node, from: e.from, process: processJson(e.process, skew) });
          return;
        }
        case 'process_removed':
          o.events.publish('process_removed', { node: e.node, namespec: e.namespec });
          return;
        case 'node': {
          const view = o.snapshot.node(e.node);
          if (view !== null) o.events.publish('node', { node: e.node, general: nodeGeneral(view) });
          return;
        }
        case 'stats':
          o.events.publish('stats', { node: e.node, time: e.time, stats: e.stats }, { replay: false });
      }
    }),
    o.rolling.subscribe((job) => o.events.publish('rolling', rollingJson(job))),
    o.activity.subscribe((entry) => o.events.publish('activity', activityJson(entry))),
  ];
  return () => { for (const off of offs) off(); };
}
