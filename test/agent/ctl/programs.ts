// Config bodies for the differential tests ({PROGRAMS} and {DIR} are filled in per site).

/** A [program:x] running forever.js, RUNNING at once (startsecs=0), plus extra lines. */
export function forever(name: string, extra = ''): string {
  return `[program:${name}]\ncommand={PROGRAMS}/forever.js\nstartsecs=0\n${extra}`;
}

/** A group section. */
export function group(name: string, programs: readonly string[], extra = ''): string {
  return `[group:${name}]\nprograms=${programs.join(',')}\n${extra}`;
}

/** One running and one stopped program: what the shell and auth tests need. */
export const TWO = forever('forever') + forever('stopped', 'autostart=false\n');

/** Programs whose start and stop take the same path every time, plus one with a missing command. */
export const BASE = `${TWO}[program:bad]\ncommand=/nonexistent/fv-ctl-x\nautostart=false\n`;
