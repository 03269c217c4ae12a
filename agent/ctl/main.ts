#!/usr/bin/env node
// fleetvisorctl: supervisorctl-compatible control of a supervisord or fleetvisord over XML-RPC.
// Parses the command line, then runs one command (its exit status) or the shell (always 0).
// Never imports the daemon (supervisor.ts, process/subprocess.ts, http/, daemon/).
import { COMMANDS } from './commands/table.js';
import { Controller } from './controller.js';
import { Interrupted, UsageError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { MSG } from './format.js';
import { parseCommandLine, resolveOptions, usageText, type CtlOptions } from './options.js';
import { runShell } from './shell.js';
import { StdTerminal } from './terminal.js';
import { FLEETVISOR_VERSION } from '../version.js';

/** What an uncaught Ctrl-C ends a one-shot command with (as Python does: killed by SIGINT). */
const EXIT_INTERRUPTED = 130;

function progname(): string {
  return process.argv[1] ?? 'fleetvisorctl';
}

function usageExit(message: string): number {
  process.stderr.write(MSG.usage(message, progname()));
  return ExitCode.INVALID_ARGS;
}

function options(argv: readonly string[]): CtlOptions | number {
  try {
    const cl = parseCommandLine(argv);
    if (cl.help) {
      process.stdout.write(usageText(progname()));
      return ExitCode.SUCCESS;
    }
    if (cl.values.has('version')) {
      process.stdout.write(`fleetvisorctl ${FLEETVISOR_VERSION}\n`);
      return ExitCode.SUCCESS;
    }
    return resolveOptions(cl, { execPath: progname(), cwd: process.cwd(), env: process.env });
  } catch (err) {
    if (err instanceof UsageError) return usageExit(err.message);
    throw err;
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const opts = options(argv);
  if (typeof opts === 'number') return opts;
  const term = new StdTerminal({ stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }, opts.json);
  const ctl = new Controller(opts, term, COMMANDS);
  process.on('SIGINT', () => {
    if (!ctl.interrupt()) process.exit(opts.args.length > 0 ? EXIT_INTERRUPTED : ExitCode.SUCCESS);
  });
  if (opts.args.length > 0) {
    try {
      await ctl.onecmd(opts.args.join(' '));
    } catch (err) {
      if (err instanceof Interrupted) return EXIT_INTERRUPTED;
      throw err;
    }
    return ctl.exitstatus;
  }
  await runShell(ctl, term);
  return ExitCode.SUCCESS;
}

// A reader that went away (`| head`) ends us quietly.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(ExitCode.SUCCESS);
  throw err;
});

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`fleetvisorctl: internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(ExitCode.GENERIC);
  },
);
