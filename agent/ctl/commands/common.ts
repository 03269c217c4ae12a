// Pieces several commands share: the usage-error pattern (message, exit status, help text), and
// reporting one result of start/stop/signal/clear in text or JSON.
import { Faults } from '../../rpc/faults.js';
import type { Controller } from '../controller.js';
import { CtlUnexpected } from '../errors.js';
import { namespec, resultJson, resultLine, unknownResultCode, type Outcome } from '../format.js';
import { HELP } from '../help-texts.js';

/** `Error: ...` (or `ERROR: ...`), the exit status, then the command's help lines (text only). */
export function usage(ctl: Controller, message: string, command: string | null, status: number): void {
  ctl.out.fail(message);
  ctl.exitstatus = status;
  const help = command === null ? undefined : HELP[command];
  if (help !== undefined) ctl.out.line(help);
}

export interface Reported {
  readonly group: string;
  /** The process name; null for a `g:*` name given to a single-process method (shown as `None`). */
  readonly name: string | null;
  readonly status: number;
  readonly description: string;
}

/**
 * Shows one result the way supervisorctl does; a status code the command does not expect is
 * supervisorctl's ValueError (it stops the command).
 */
export function report(ctl: Controller, r: Reported, outcomeOf: (code: number) => Outcome | undefined): void {
  // supervisorctl formats a missing process name with Python's str(None).
  const spec = namespec(r.group, r.name ?? 'None');
  const outcome = outcomeOf(r.status);
  if (outcome === undefined) throw new CtlUnexpected('ValueError', unknownResultCode(r.status, spec));
  ctl.out.item(resultLine(spec, outcome, r.description), resultJson(spec, r.status, outcome, r.description));
}

/** The JSON entry of a success on a single-process call (supervisorctl prints `name: word`). */
export function reportSuccess(ctl: Controller, group: string, name: string, word: string): void {
  const spec = namespec(group, name);
  const outcome: Outcome = { kind: 'ok', word };
  ctl.out.item(resultLine(spec, outcome, 'OK'), resultJson(spec, Faults.SUCCESS, outcome, 'OK'));
}

/** A per-name failure that is not a result code: `text` in text mode, `{name, error}` in JSON. */
export function reportNameError(ctl: Controller, text: string, name: string, error: string): void {
  ctl.out.item(text, { name, error });
}
