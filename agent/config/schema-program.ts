// The body of [program:x] / [eventlistener:x] / [fcgi-program:x]: options read once per section,
// then one ProcessConfig per process_num, with parse-time warnings; errors get the section suffix.
import * as dt from './datatypes.js';
import { ConfigError, ValueError } from './errors.js';
import { comparePy, expand } from './expand.js';
import { pyRepr } from '../python/repr.js';
import { pyStrip } from '../python/str.js';
import { SectionReader, type LoadContext } from './context.js';
import { readExtensions } from './schema-extensions.js';
import type { LogChannelConfig, ProcessConfig } from './types.js';

type Channel = 'stdout' | 'stderr';

/** One channel's log options, read per process (the path may use process_num and ENV_). */
function readChannel(r: SectionReader, ch: Channel, exp: Map<string, string | number>): {
  config: LogChannelConfig; named: boolean; } {
  const key = `${ch}_logfile`;
  const raw = r.get(key, undefined);
  const name: dt.LogfileName = raw === undefined ? dt.AUTO
    : r.at(key, () => dt.logfileName(expand(String(raw), exp, key), r.ctx.pathEnv), String(raw));
  const logfile_backups = r.conv(`${ch}_logfile_backups`, 10, dt.integer);
  const logfile_maxbytes = r.conv(`${ch}_logfile_maxbytes`, '50MB', dt.byteSize);
  let syslog = r.conv(`${ch}_syslog`, false, dt.boolean);
  let logfile: string | null = typeof name === 'string' ? name : null;
  const auto = name === dt.AUTO;
  if (name === dt.SYSLOG) {
    r.ctx.warnings.push(`For [${r.section}], ${key}=syslog but this is deprecated and will be removed.  `
      + `Use ${ch}_syslog=true to enable syslog instead.`);
    logfile = null;
    syslog = true;
  }
  if (auto && !logfile_maxbytes) {
    r.ctx.warnings.push(`For [${r.section}], AUTO logging used for ${key} without rollover, set maxbytes > 0 `
      + 'to avoid filling up filesystem unintentionally');
  }
  return { config: { logfile, auto, logfile_maxbytes, logfile_backups, capture_maxbytes: 0, events_enabled: false,
    syslog }, named: typeof name === 'string' };
}

/** Options supervisord evaluates once per section (no process_num available to them). */
function readSectionOptions(r: SectionReader) {
  const ctx = r.ctx;
  const priority = r.conv('priority', 999, dt.integer);
  const autostart = r.conv('autostart', 'true', dt.boolean);
  const autorestart = r.conv('autorestart', 'unexpected', dt.autoRestart);
  const startsecs = r.conv('startsecs', 1, dt.integer);
  const startretries = r.conv('startretries', 3, dt.integer);
  const stopsignal = r.conv('stopsignal', 'TERM', dt.signalNumber);
  const stopwaitsecs = r.conv('stopwaitsecs', 10, dt.integer);
  const stopasgroup = r.conv('stopasgroup', 'false', dt.boolean);
  const killasgroup = r.conv('killasgroup', stopasgroup, dt.boolean);
  const exitcodes = r.conv('exitcodes', '0', dt.exitCodes);
  const redirect_stderr = r.conv('redirect_stderr', 'false', dt.boolean);
  const numprocs = r.conv('numprocs', 1, dt.integer);
  const numprocs_start = r.conv('numprocs_start', 0, dt.integer);
  const environmentText = r.optional('environment', { expand: false });
  const stdout_capture = r.conv('stdout_capture_maxbytes', '0', dt.byteSize);
  const stdout_events = r.conv('stdout_events_enabled', 'false', dt.boolean);
  const stderr_capture = r.conv('stderr_capture_maxbytes', '0', dt.byteSize);
  const stderr_events = r.conv('stderr_events_enabled', 'false', dt.boolean);
  const url = r.optional('serverurl');
  const serverurl = url && pyStrip(url).toUpperCase() === 'AUTO' ? null : url ?? null;
  const userText = r.optional('user');
  const user = userText === undefined ? null : r.at('user', () => dt.user(userText, ctx.users), userText);
  const umaskText = r.optional('umask');
  const umask = umaskText === undefined ? null : r.at('umask', () => dt.octal(umaskText), umaskText);
  const processName = r.conv('process_name', '%(program_name)s', dt.processOrGroupName, { expand: false });
  if (numprocs > 1 && !processName.includes('%(process_num)')) {
    throw r.error('%(process_num) must be present within process_name when numprocs > 1', 'process_name');
  }
  if (stopasgroup && !killasgroup) throw r.error('Cannot set stopasgroup=true and killasgroup=false', 'killasgroup');
  return { priority, autostart, autorestart, startsecs, startretries, stopsignal, stopwaitsecs, stopasgroup,
    killasgroup, exitcodes, redirect_stderr, numprocs, numprocs_start, environmentText, stdout_capture,
    stdout_events, stderr_capture, stderr_events, serverurl, user, umask, processName };
}

function buildProcesses(r: SectionReader, programName: string): ProcessConfig[] {
  const o = readSectionOptions(r);
  const exp = r.common;
  const out: ProcessConfig[] = [];
  for (let num = o.numprocs_start; num < o.numprocs_start + o.numprocs; num++) {
    exp.set('process_num', num);
    exp.set('numprocs', o.numprocs);
    for (const [k, v] of r.ctx.envExpansions) exp.set(k, v);
    const envText = o.environmentText ?? '';
    const env = r.at('environment', () => dt.environment(expand(envText, exp, 'environment')), envText);
    for (const [k, v] of Object.entries(env)) exp.set(`ENV_${k}`, v);
    const directory = r.optional('directory') ?? null;
    const out1 = readChannel(r, 'stdout', exp);
    const err1 = readChannel(r, 'stderr', exp);
    let stderr = err1.config;
    if (o.redirect_stderr) {
      if (err1.named) {
        r.ctx.warnings.push(`For [${r.section}], redirect_stderr=true but stderr_logfile has also been set to a `
          + 'filename, the filename has been ignored');
      }
      stderr = { ...stderr, logfile: null, auto: false };
    }
    const command = r.optional('command');
    if (command === undefined) throw r.error(`program section ${r.section} does not specify a command`);
    const name = r.at('process_name', () => expand(o.processName, exp, 'process_name'), o.processName);
    out.push({ name, program_name: programName, process_num: num, command, priority: o.priority,
      autostart: o.autostart, startsecs: o.startsecs, startretries: o.startretries, autorestart: o.autorestart,
      exitcodes: o.exitcodes, stopsignal: o.stopsignal, stopwaitsecs: o.stopwaitsecs, stopasgroup: o.stopasgroup,
      killasgroup: o.killasgroup, user: o.user, redirect_stderr: o.redirect_stderr,
      stdout: { ...out1.config, capture_maxbytes: o.stdout_capture, events_enabled: o.stdout_events },
      stderr: { ...stderr, capture_maxbytes: o.stderr_capture, events_enabled: o.stderr_events },
      environment: o.environmentText === undefined ? null : env, directory, umask: o.umask,
      serverurl: o.serverurl, extra: readExtensions(r, exp) });
  }
  return out.sort((a, b) => a.priority - b.priority || comparePy(a.name, b.name));
}

/** supervisord's processes_from_section: any error gets " in section 'x' (file: 'f')". */
export function processesFromSection(ctx: LoadContext, section: string, groupName: string): ProcessConfig[] {
  const file = ctx.parser.sectionToFile.get(section) ?? ctx.configFile;
  const suffix = ` in section ${pyRepr(section)} (file: ${pyRepr(file)})`;
  try {
    const rawName = section.slice(section.indexOf(':') + 1);
    let programName: string;
    try { programName = dt.processOrGroupName(rawName); } catch (err) {
      if (err instanceof ValueError) throw new ConfigError(err.message, { section, file });
      throw err;
    }
    const common = new Map<string, string | number>([['here', ctx.here], ['program_name', programName],
      ['host_node_name', ctx.hostname], ['group_name', groupName]]);
    return buildProcesses(new SectionReader(ctx, section, common), programName);
  } catch (err) {
    if (err instanceof ConfigError) throw err.withMessage(err.message + suffix);
    throw err;
  }
}
