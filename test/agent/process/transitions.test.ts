// agent/process/transitions.ts against behaviour: real Subprocess instances (fake spawner and
// clock) are driven through every event sequence that changes state (start, spawn errors, exits
// before and after startsecs, stop and signal in each state, kill failures, backoff retries,
// giving up, autorestart), every (from, to) they perform is recorded from the bus's PROCESS_STATE
// events, and that set must equal the table's. An edge the table allows but the machine never
// takes fails here; an edge the machine takes outside the table throws IllegalTransition in the
// scenario. The table is also compared with supervisord's own edges, derived from its
// supervisor/process.py: each change_state(ProcessStates.X) call and the _assertInState(...) or
// `if self.state == ...` that precedes it in the same method.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { EventBus } from '../../../agent/events/bus.js';
import type { ProcessConfig } from '../../../agent/config/types.js';
import type { OutputSink } from '../../../agent/logging/types.js';
import { IllegalTransition } from '../../../agent/process/errors.js';
import { ProcessState as S, stateName, type ProcessStateCode, type ProcessStateName } from '../../../agent/process/states.js';
import { Subprocess } from '../../../agent/process/subprocess.js';
import { assertTransition, TRANSITIONS } from '../../../agent/process/transitions.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { FakeSpawner } from '../../helpers/fake-spawner.js';
import { makeProcessConfig, RecordingLogger } from '../../helpers/process-config.js';

const T0 = 1000;
const SIGKILL = 9;

/** Every edge the machine performed, over all scenarios. */
const performed = new Set<string>();

function edge(from: number, to: number): string {
  return `${stateName(from)} -> ${stateName(to)}`;
}

function machine(over: Partial<ProcessConfig> = {}) {
  const clock = new FakeClock(T0);
  const spawner = new FakeSpawner();
  const bus = new EventBus();
  const edges: string[] = [];
  bus.subscribe((e) => {
    if (e.type !== 'PROCESS_STATE') return;
    edges.push(edge(e.from, e.to));
    performed.add(edge(e.from, e.to));
  });
  const sink: OutputSink = { write: () => undefined, close: () => undefined };
  const proc = new Subprocess({
    config: makeProcessConfig({ startsecs: 1, startretries: 2, stopwaitsecs: 10, ...over }), groupName: 'g', spawner, clock, bus,
    log: new RecordingLogger(), openOutput: () => sink, baseEnv: { PATH: '/usr/bin:/bin' }, serverUrl: null,
    isDaemonRunning: () => true, requestTick: () => undefined,
  });
  /** The clock moves to T0 + dt, then the supervisor's pass ticks the process. */
  const tickAt = (dt: number): void => { clock.set(T0 + dt); proc.tick(clock.now()); };
  /** The running child exits at T0 + dt (with a code, or by a signal). */
  const exitAt = (dt: number, code: number | null, signal: number | null = null): void => {
    clock.set(T0 + dt);
    spawner.last.exit(code, signal);
  };
  const is = (state: ProcessStateName): void => assert.equal(stateName(proc.state), state);
  return { proc, spawner, edges, tickAt, exitAt, is };
}

/** Each scenario drives one machine and checks where it ends; the edges are recorded on the way. */
const SCENARIOS: Record<string, () => void> = {
  'autostart, RUNNING after startsecs, an expected exit, a manual start again': () => {
    const m = machine();
    m.tickAt(0); m.is('STARTING');
    m.tickAt(1.5); m.is('RUNNING');
    m.exitAt(2, 0); m.is('EXITED');
    m.tickAt(3); m.is('EXITED');
    m.proc.spawn(); m.is('STARTING');
  },
  'autorestart after an unexpected exit': () => {
    const m = machine({ autorestart: 'unexpected' });
    m.tickAt(0); m.tickAt(1.5);
    m.exitAt(2, 3); m.is('EXITED');
    m.tickAt(2); m.is('STARTING');
  },
  'startsecs=0: an exit before any tick passes through RUNNING': () => {
    const m = machine({ startsecs: 0, autorestart: false });
    m.tickAt(0);
    m.exitAt(0.01, 1); m.is('EXITED');
    assert.deepEqual(m.edges, ['STOPPED -> STARTING', 'STARTING -> RUNNING', 'RUNNING -> EXITED']);
  },
  'exits before startsecs back off, retry, and give up (FATAL), then a manual start': () => {
    const m = machine({ startsecs: 10, startretries: 1 });
    m.tickAt(0);
    m.exitAt(0.5, 0); m.is('BACKOFF');
    m.tickAt(1.6); m.is('STARTING');
    m.exitAt(2, 0); m.is('BACKOFF');
    m.tickAt(2.1); m.is('FATAL');
    m.proc.spawn(); m.is('STARTING');
  },
  'a spawn error backs off; giveUp makes it FATAL': () => {
    const m = machine();
    m.spawner.failNext = 'EAGAIN';
    m.tickAt(0); m.is('BACKOFF');
    m.proc.giveUp(); m.is('FATAL');
  },
  'a command that cannot be found backs off before the spawner': () => {
    const m = machine({ command: '/nonexistent/command' });
    m.tickAt(0); m.is('BACKOFF');
    assert.equal(m.spawner.requests.length, 0);
  },
  'stop in BACKOFF: STOPPED, and a manual start from there': () => {
    const m = machine({ startsecs: 10 });
    m.tickAt(0); m.exitAt(0.5, 0); m.is('BACKOFF');
    assert.equal(m.proc.stop(), null); m.is('STOPPED');
    m.proc.spawn(); m.is('STARTING');
  },
  'stop in STARTING, the exit completes it': () => {
    const m = machine();
    m.tickAt(0);
    m.proc.stop(); m.is('STOPPING');
    m.exitAt(0.5, null, 15); m.is('STOPPED');
  },
  'stop in RUNNING, SIGKILL after stopwaitsecs (STOPPING stays STOPPING), then the exit': () => {
    const m = machine();
    m.tickAt(0); m.tickAt(1.5);
    m.proc.stop(); m.is('STOPPING');
    m.tickAt(11.5); m.is('STOPPING');
    assert.equal(m.spawner.kills[m.spawner.kills.length - 1]?.sig, SIGKILL);
    m.exitAt(12, null, SIGKILL); m.is('STOPPED');
  },
  'stop where nothing runs (STOPPED, EXITED, FATAL) changes nothing': () => {
    const m = machine({ autostart: false, autorestart: false });
    assert.match(m.proc.stop() ?? '', /wasn't running/); m.is('STOPPED');
    m.proc.spawn(); m.tickAt(1.5); m.exitAt(2, 0); m.is('EXITED');
    assert.match(m.proc.stop() ?? '', /wasn't running/); m.is('EXITED');
    const f = machine({ startretries: 0, startsecs: 10 });
    f.tickAt(0); f.exitAt(0.5, 0); f.tickAt(0.6); f.is('FATAL');
    assert.match(f.proc.stop() ?? '', /wasn't running/); f.is('FATAL');
  },
  'a kill that fails (EPERM) while stopping: UNKNOWN, where an exit changes nothing': () => {
    const m = machine();
    m.tickAt(0); m.tickAt(1.5);
    m.spawner.last.killError = 'EPERM';
    assert.match(m.proc.stop() ?? '', /^unknown problem killing x/); m.is('UNKNOWN');
    m.exitAt(2, 0); m.is('UNKNOWN');
  },
  'a kill that finds the child gone (ESRCH) leaves the state to the exit': () => {
    const m = machine();
    m.tickAt(0); m.tickAt(1.5);
    m.spawner.last.killError = 'ESRCH';
    assert.equal(m.proc.stop(), null); m.is('STOPPING');
    m.exitAt(2, 0); m.is('STOPPED');
  },
  'a signal that fails in STARTING, RUNNING and STOPPING: UNKNOWN': () => {
    const starting = machine();
    starting.tickAt(0);
    starting.spawner.last.killError = 'EPERM';
    starting.proc.signal(10); starting.is('UNKNOWN');
    const running = machine();
    running.tickAt(0); running.tickAt(1.5);
    running.spawner.last.killError = 'EPERM';
    running.proc.signal(10); running.is('UNKNOWN');
    const stopping = machine();
    stopping.tickAt(0);
    stopping.proc.stop();
    stopping.spawner.last.killError = 'EPERM';
    stopping.proc.signal(10); stopping.is('UNKNOWN');
  },
  'a signal that kills the child while RUNNING is an exit on its own': () => {
    const m = machine({ autorestart: false });
    m.tickAt(0); m.tickAt(1.5);
    assert.equal(m.proc.signal(SIGKILL), null); m.is('RUNNING');
    m.exitAt(2, null, SIGKILL); m.is('EXITED');
  },
};

test('driving real processes through every sequence performs exactly the table\'s edges', () => {
  for (const [name, run] of Object.entries(SCENARIOS)) {
    try {
      run();
    } catch (err) {
      if (err instanceof Error) err.message = `${name}: ${err.message}`;
      throw err;
    }
  }
  const table = tableEdges();
  const neverTaken = [...table].filter((e) => !performed.has(e)).sort();
  const outside = [...performed].filter((e) => !table.has(e)).sort();
  assert.deepEqual({ neverTaken, outside }, { neverTaken: [], outside: [] });
});

test('an edge outside the table is refused', () => {
  assert.throws(() => assertTransition(S.STOPPED, S.RUNNING, 'p'), new IllegalTransition('illegal transition for p: STOPPED -> RUNNING'));
  assert.throws(() => assertTransition(S.UNKNOWN, S.STARTING, 'p'), IllegalTransition);
});

function tableEdges(): Set<string> {
  const out = new Set<string>();
  for (const [from, tos] of Object.entries(TRANSITIONS)) {
    for (const to of tos) out.add(edge(Number(from), to));
  }
  return out;
}

const PROCESS_PY = '/usr/lib/python3/dist-packages/supervisor/process.py';

/**
 * supervisord's edges from its source: in each method, the states the process may be in are set
 * by `_assertInState(...)` or `if self.state == ProcessStates.X:`, and by each change_state; a
 * change_state with nothing known before it in its method makes the derivation fail.
 */
function supervisordEdges(source: string): Set<string> {
  const codes = S as Readonly<Record<string, ProcessStateCode>>;
  const statesIn = (text: string): ProcessStateCode[] => [...text.matchAll(/ProcessStates\.([A-Z]+)/g)].map((m) => {
    const code = codes[m[1] ?? ''];
    if (code === undefined) throw new Error(`unknown state ${m[1]} in process.py`);
    return code;
  });
  const out = new Set<string>();
  // null: nothing known (at a method's start).
  let current = null as ProcessStateCode[] | null;
  const lines = source.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (/^\s*def /.test(line)) current = null;
    else if (line.includes('self._assertInState(')) {
      let text = line;
      while (!text.includes(')') && i + 1 < lines.length) text += lines[++i] ?? '';
      current = statesIn(text);
    } else if (/^\s*(?:el)?if self\.state == ProcessStates\.[A-Z]+:/.test(line)) current = statesIn(line);
    else if (/self\.change_state\(ProcessStates\./.test(line)) {
      const [to] = statesIn(line);
      if (to === undefined) throw new Error(`process.py line ${i + 1}: no target state`);
      if (current === null) throw new Error(`process.py line ${i + 1}: change_state with no known state before it`);
      for (const from of current) if (from !== to) out.add(edge(from, to));
      current = [to];
    }
  }
  return out;
}

test('the table is supervisord\'s, as its process.py changes states', { skip: existsSync(PROCESS_PY) ? false : `${PROCESS_PY} is not installed` }, () => {
  const theirs = supervisordEdges(readFileSync(PROCESS_PY, 'utf8'));
  assert.ok(theirs.size > 10, `only ${theirs.size} edges found in process.py`);
  assert.deepEqual([...tableEdges()].sort(), [...theirs].sort());
});
