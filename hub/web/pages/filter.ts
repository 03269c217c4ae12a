// The name and state filter every long list of processes takes (?q=...&state=...), applied on the
// server so a page works without JavaScript and a fleet of thousands stays a readable page;
// the page's script filters the same way as one types.
import type { Request } from 'express';
import type { ProcessView } from '../../nodes/types.js';
import { PROBLEM_STATES } from '../../services/fleet.js';

export interface ProcessFilter {
  readonly q: string;
  /** A state name, `problems` (FATAL, BACKOFF, EXITED, UNKNOWN), or '' for all. */
  readonly state: string;
}

/** Rows one page shows at most; beyond that it asks for a narrower filter. */
export const MAX_ROWS = 2500;

export function filterOf(req: Request): ProcessFilter {
  const q = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 200) : '';
  const state = typeof req.query.state === 'string' ? req.query.state.trim().toUpperCase().slice(0, 20) : '';
  return { q, state: state === 'PROBLEMS' ? 'problems' : state };
}

export function matches(p: ProcessView, f: ProcessFilter): boolean {
  if (f.state === 'problems' ? !PROBLEM_STATES.includes(p.statename) : f.state !== '' && p.statename !== f.state) return false;
  if (f.q === '') return true;
  const q = f.q.toLowerCase();
  return p.namespec.toLowerCase().includes(q) || p.node.toLowerCase().includes(q) || p.description.toLowerCase().includes(q);
}
