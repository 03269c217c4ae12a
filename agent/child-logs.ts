// Glue between the process core and agent/logging: chooses each child channel's file
// (AUTO names are fixed when a group is created) and builds one ChildLogChannel per spawn.
import type { GroupConfig, LogChannelConfig, ProcessConfig, SupervisordConfig } from './config/types.js';
import type { EventBus } from './events/bus.js';
import { createAutoLogFile } from './logging/auto-logs.js';
import { ChildLogChannel } from './logging/child-channel.js';
import type { Logger, OutputSink } from './logging/types.js';

type Channel = 'stdout' | 'stderr';
/** AUTO paths chosen for one group instance: process name -> channel -> path. */
export type AutoPaths = ReadonlyMap<string, Partial<Record<Channel, string>>>;

export interface ChildLogFactoryDeps {
  readonly supervisord: SupervisordConfig;
  readonly log: Logger;
  readonly bus: EventBus;
}

export class ChildLogFactory {
  readonly #deps: ChildLogFactoryDeps;
  /** Open channels by `group\0process`, for reopen (all) and clear (one process). */
  readonly #open = new Map<string, Set<ChildLogChannel>>();

  constructor(deps: ChildLogFactoryDeps) { this.#deps = deps; }

  /** Creates the empty AUTO files of a group, as supervisord does when it creates the group. */
  prepareGroup(group: GroupConfig): AutoPaths {
    const paths = new Map<string, Partial<Record<Channel, string>>>();
    const { childlogdir, identifier } = this.#deps.supervisord;
    for (const p of group.processes) {
      const entry: Partial<Record<Channel, string>> = {};
      for (const channel of channelsOf(p)) {
        if (p[channel].auto) entry[channel] = createAutoLogFile(childlogdir, p.name, channel, identifier);
      }
      paths.set(p.name, entry);
    }
    return paths;
  }

  /** The concrete log path of a channel, or null for NONE. */
  static pathOf(p: ProcessConfig, channel: Channel, auto: AutoPaths): string | null {
    const c: LogChannelConfig = p[channel];
    if (channel === 'stderr' && p.redirect_stderr) return null;
    return c.auto ? auto.get(p.name)?.[channel] ?? null : c.logfile;
  }

  open(group: GroupConfig, p: ProcessConfig, channel: Channel, auto: AutoPaths, pid: () => number): OutputSink {
    const c = p[channel];
    // Events may be buffered by listener pools long after the read buffer was reused: copy.
    const emit = (type: 'PROCESS_LOG' | 'PROCESS_COMMUNICATION') => (data: Buffer) => this.#deps.bus.notify({
      type, channel, processName: p.name, groupName: group.name, pid: pid(), data: Buffer.from(data),
    });
    const sink = new ChildLogChannel({
      processName: p.name,
      groupName: group.name,
      channel,
      logfile: ChildLogFactory.pathOf(p, channel, auto),
      maxbytes: c.logfile_maxbytes,
      backups: c.logfile_backups,
      captureMaxbytes: group.kind === 'eventlistener' && channel === 'stdout' ? 0 : c.capture_maxbytes,
      eventsEnabled: c.events_enabled,
      syslog: c.syslog,
      stripAnsi: this.#deps.supervisord.strip_ansi,
      isListenerStdout: group.kind === 'eventlistener' && channel === 'stdout',
      fileMode: 0o666,
      mainLog: this.#deps.log,
      onLog: emit('PROCESS_LOG'),
      onCommunication: emit('PROCESS_COMMUNICATION'),
    });
    const key = `${group.name}\0${p.name}`;
    const set = this.#open.get(key) ?? new Set<ChildLogChannel>();
    set.add(sink);
    this.#open.set(key, set);
    return {
      write: (chunk) => sink.write(chunk),
      close: () => {
        set.delete(sink);
        if (set.size === 0) this.#open.delete(key);
        sink.close();
      },
    };
  }

  /** SIGUSR2: every open child log is closed and reopened by path (external logrotate). */
  reopenAll(): void {
    for (const set of this.#open.values()) for (const sink of set) sink.reopen();
  }

  /**
   * clearProcessLogs: delete and reopen the open channels of one process. Like supervisord, a
   * process that is not running has no open channel, so this is then a no-op. Errors propagate.
   */
  clearProcess(groupName: string, processName: string): void {
    for (const sink of this.#open.get(`${groupName}\0${processName}`) ?? []) sink.clear();
  }
}

function channelsOf(p: ProcessConfig): Channel[] {
  return p.redirect_stderr ? ['stdout'] : ['stdout', 'stderr'];
}
