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
  /** 1-based page of the matching rows. */
  readonly page: number;
}

/** Rows one page shows at most; more are on the next pages (?page=N). */
export const PAGE_ROWS = 500;

export function filterOf(req: Request): ProcessFilter {
  const q = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 200) : '';
  const state = typeof req.query.state === 'string' ? req.query.state.trim().toUpperCase().slice(0, 20) : '';
  const page = Math.max(1, Math.min(10_000, Math.trunc(Number(req.query.page)) || 1));
  return { q, state: state === 'PROBLEMS' ? 'problems' : state, page };
}

export function matches(p: ProcessView, f: ProcessFilter): boolean {
  if (f.state === 'problems' ? !PROBLEM_STATES.includes(p.statename) : f.state !== '' && p.statename !== f.state) return false;
  if (f.q === '') return true;
  const q = f.q.toLowerCase();
  return p.namespec.toLowerCase().includes(q) || p.node.toLowerCase().includes(q) || p.description.toLowerCase().includes(q);
}
