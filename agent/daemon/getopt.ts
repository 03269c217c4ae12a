// A getopt in the manner of Python's getopt.getopt (which supervisord uses): grouped short flags,
// attached or separate values, long options with '=' or a separate value, unique long prefixes.
// Error texts match Python's so fleetvisord's usage errors read like supervisord's.

export interface OptionSpec {
  /** One letter, or '' when there is no short form. */
  readonly short: string;
  /** Long name without dashes, or '' when there is none. */
  readonly long: string;
  readonly takesValue: boolean;
}

export interface ParsedOption {
  /** As Python reports it: '-c' or '--configuration'. */
  readonly opt: string;
  readonly spec: OptionSpec;
  readonly value: string | null;
}

export class GetoptError extends Error {}

export function getopt(args: readonly string[], specs: readonly OptionSpec[]): { options: ParsedOption[]; rest: string[] } {
  const options: ParsedOption[] = [];
  let i = 0;
  while (i < args.length) {
    const arg = args[i] as string;
    if (arg === '--') return { options, rest: args.slice(i + 1) };
    if (!arg.startsWith('-') || arg === '-') return { options, rest: args.slice(i) };
    if (arg.startsWith('--')) {
      i = parseLong(args, i, specs, options);
    } else {
      i = parseShort(args, i, specs, options);
    }
  }
  return { options, rest: [] };
}

function parseLong(args: readonly string[], i: number, specs: readonly OptionSpec[], out: ParsedOption[]): number {
  const body = (args[i] as string).slice(2);
  const eq = body.indexOf('=');
  const name = eq >= 0 ? body.slice(0, eq) : body;
  const exact = specs.find((s) => s.long !== '' && s.long === name);
  const candidates = exact ? [exact] : specs.filter((s) => s.long !== '' && s.long.startsWith(name));
  if (candidates.length === 0) throw new GetoptError(`option --${name} not recognized`);
  if (candidates.length > 1) throw new GetoptError(`option --${name} not a unique prefix`);
  const spec = candidates[0] as OptionSpec;
  const opt = `--${spec.long}`;
  if (!spec.takesValue) {
    if (eq >= 0) throw new GetoptError(`option ${opt} must not have an argument`);
    out.push({ opt, spec, value: null });
    return i + 1;
  }
  if (eq >= 0) {
    out.push({ opt, spec, value: body.slice(eq + 1) });
    return i + 1;
  }
  if (i + 1 >= args.length) throw new GetoptError(`option ${opt} requires argument`);
  out.push({ opt, spec, value: args[i + 1] as string });
  return i + 2;
}

function parseShort(args: readonly string[], i: number, specs: readonly OptionSpec[], out: ParsedOption[]): number {
  const letters = (args[i] as string).slice(1);
  for (let k = 0; k < letters.length; k++) {
    const letter = letters[k] as string;
    const spec = specs.find((s) => s.short === letter);
    if (!spec) throw new GetoptError(`option -${letter} not recognized`);
    if (!spec.takesValue) {
      out.push({ opt: `-${letter}`, spec, value: null });
      continue;
    }
    const attached = letters.slice(k + 1);
    if (attached !== '') {
      out.push({ opt: `-${letter}`, spec, value: attached });
      return i + 1;
    }
    if (i + 1 >= args.length) throw new GetoptError(`option -${letter} requires argument`);
    out.push({ opt: `-${letter}`, spec, value: args[i + 1] as string });
    return i + 2;
  }
  return i + 1;
}
