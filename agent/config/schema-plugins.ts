// [rpcinterface:x] sections, and the check of "module:attr" entry-point specs
// (factories, result handlers) that supervisord imports.
import { ValueError } from './errors.js';
import { pyRepr } from '../python/repr.js';
import { SectionReader, type LoadContext } from './context.js';
import type { RpcInterfaceConfig } from './types.js';

const ENTRY_RE = /^\s*([\w.]+)\s*(?::\s*([\w.]+))?\s*(\[.*\])?\s*$/su;
const KNOWN_SUPERVISOR_SPECS = new Set([
  'supervisor.dispatchers:default_handler',
  'supervisor.rpcinterface:make_main_rpcinterface',
  'supervisor.supervisorctl:DefaultControllerPlugin',
]);

/**
 * The default resolvability rule: supervisor's own callables, or any well-formed module:attr
 * outside the supervisor package; a bare module or an unknown supervisor.* name cannot be.
 */
export function defaultResolveSpec(spec: string): boolean {
  const m = ENTRY_RE.exec(spec);
  if (!m || m[2] === undefined) return false;
  const key = `${m[1]}:${m[2]}`;
  if (m[1] === 'supervisor' || m[1]?.startsWith('supervisor.')) return KNOWN_SUPERVISOR_SPECS.has(key);
  return true;
}

/** Throws like supervisord's import_spec: syntax errors as pkg_resources words them, else "cannot be resolved". */
export function checkSpec(ctx: LoadContext, spec: string, section: string): void {
  const m = ENTRY_RE.exec(spec);
  if (!m) {
    throw new ValueError(`(${pyRepr("EntryPoint must be in 'name=module:attrs [extras]' format")}, ${pyRepr('x=' + spec)})`);
  }
  if (!/^\w+(\.\w+)*$/u.test(m[1] ?? '')) throw new ValueError(`('Invalid module name', ${pyRepr(m[1] ?? '')})`);
  if (!ctx.resolveSpec(spec)) throw new ValueError(`${spec} cannot be resolved within [${section}]`);
}

const FACTORY_KEY = 'supervisor.rpcinterface_factory';

export function readRpcInterfaces(ctx: LoadContext): RpcInterfaceConfig[] {
  const out: RpcInterfaceConfig[] = [];
  for (const section of ctx.parser.sections()) {
    if (!section.startsWith('rpcinterface:')) continue;
    const r = new SectionReader(ctx, section, new Map());
    const factory = r.optional(FACTORY_KEY);
    if (factory === undefined) throw r.error(`section [${section}] does not specify a ${FACTORY_KEY}`);
    r.at(FACTORY_KEY, () => checkSpec(ctx, factory, section), factory);
    const options: Record<string, string> = {};
    for (const key of ctx.parser.options(section)) {
      if (key !== FACTORY_KEY) options[key] = String(r.get(key, ''));
    }
    out.push({ name: section.slice(section.indexOf(':') + 1), factory, options });
  }
  return out;
}

