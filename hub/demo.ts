// `npm start`: the demo of the whole product from a checkout. Starts fleetvisord in the
// foreground on supervisord.conf.example (its demo programs) and the hub on cesi.conf.example
// (that agent as node `local` in environment `demo`), prints where to go and how to log in, and
// on Ctrl-C (or SIGTERM) stops the hub, then the agent and its programs, leaving nothing behind.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHub } from './serve.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

async function main(): Promise<void> {
  const agent = spawn(process.execPath, [join(root, 'dist', 'agent', 'bin', 'fleetvisord.js'), '-n', '-c', join(root, 'supervisord.conf.example')], {
    cwd: root, stdio: ['ignore', 'inherit', 'inherit'],
  });
  const agentExit = once(agent, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  let hub: Awaited<ReturnType<typeof startHub>>;
  try {
    hub = await startHub({ configFile: join(root, 'cesi.conf.example') });
  } catch (err) {
    agent.kill('SIGTERM');
    await agentExit;
    throw err;
  }
  process.stdout.write(`
  Fleetvisor demo
    hub:    ${hub.url}   ${hub.seededAdmin ? 'log in as admin / admin (you will choose a new password)' : 'log in with your hub user'}
    agent:  fleetvisord on supervisord.conf.example, web page http://127.0.0.1:9001 (user / 123)
    Ctrl-C stops both.

`);
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await hub.close();
    if (agent.exitCode === null && agent.signalCode === null) agent.kill('SIGTERM');
    await agentExit;
    process.exit(0);
  };
  process.on('SIGINT', () => { void stop(); });
  process.on('SIGTERM', () => { void stop(); });
  void agentExit.then(async ([code, signal]) => {
    if (stopping) return;
    process.stderr.write(`fleetvisord ended (${signal ?? `exit ${String(code)}`}); stopping the hub\n`);
    stopping = true;
    await hub.close();
    process.exit(1);
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`npm start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
