// Turns the raw sections of either format into a HubConfig: names checked, environments gathered from
// [environment:...] sections and from nodes' own `environment` keys, every reference checked.

import { dirname } from 'node:path';
import { HubConfigError, sectionDisplay } from './errors.js';
import { readNode, type NodeDraft } from './node.js';
import type { RawDocument, RawSection } from './raw.js';
import { readSettings } from './settings.js';
import type { HubConfig, HubEnvironmentConfig, HubNodeConfig, WebhookConfig } from './types.js';
import { Field, SectionValues, list } from './values.js';
import { readWebhook } from './webhook.js';

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;
const NAME_RULE = "use 1 to 64 letters, digits, '_', '.' and '-', not starting with '.' or '-'";

interface EnvironmentDraft {
  /** The [environment:...] section, when there is one. */
  section: RawSection | undefined;
  /** Members the section lists, then nodes that name the environment themselves. */
  listed: string[];
  fromNodes: string[];
}

/** The config, not yet frozen. */
export function buildHubConfig(doc: RawDocument, file: string, format: 'ini' | 'toml'): HubConfig {
  if (doc.sections.length === 0) {
    throw new HubConfigError('no sections (a hub configuration has [cesi] and node sections; is this the right file?)', { file });
  }
  const dir = dirname(file);
  const warnings = [...doc.warnings];
  const cesi = readSettings(doc.sections.find((s) => s.kind === 'cesi'), file, dir, warnings);
  const groups = doc.sections.filter((s) => s.kind === 'group');
  if (groups.length > 0) {
    warnings.push(`${groups.map((s) => sectionDisplay(s.label)).join(', ')}: group sections are not used and were ignored`);
  }

  const nodes = new Map<string, NodeDraft>();
  const drafts = new Map<string, EnvironmentDraft>();
  const draftOf = (name: string): EnvironmentDraft => {
    const found = drafts.get(name);
    if (found !== undefined) return found;
    const draft: EnvironmentDraft = { section: undefined, listed: [], fromNodes: [] };
    drafts.set(name, draft);
    return draft;
  };
  for (const section of doc.sections) {
    if (section.kind === 'node') {
      checkName(section, 'node', file);
      const earlier = nodes.get(section.name);
      if (earlier !== undefined) duplicate(section, 'node', earlier.label, file);
      const node = readNode(section, file, dir);
      for (const name of node.environments) {
        if (!NAME.test(name)) new Field(file, section.label, 'environment', name).fail(`environment name '${name}' is not valid: ${NAME_RULE}`);
        draftOf(name).fromNodes.push(node.name);
      }
      nodes.set(node.name, node);
    } else if (section.kind === 'environment') {
      checkName(section, 'environment', file);
      const draft = draftOf(section.name);
      if (draft.section !== undefined) duplicate(section, 'environment', draft.section.label, file);
      const members = new SectionValues(file, section, ['members']).get('members');
      draft.section = section;
      draft.listed = members === undefined ? [] : list(members);
    }
  }

  const environments = new Map<string, HubEnvironmentConfig>();
  for (const [name, draft] of drafts) {
    for (const member of draft.listed) {
      if (!nodes.has(member) && draft.section !== undefined) {
        new Field(file, draft.section.label, 'members', member).fail(`environment '${name}' names unknown node '${member}'`);
      }
    }
    const members = [...new Set([...draft.listed, ...draft.fromNodes])];
    if (members.length === 0) warnings.push(`${sectionDisplay(draft.section?.label ?? name)} has no members`);
    environments.set(name, { name, members });
  }

  const webhooks: WebhookConfig[] = [];
  const webhookLabels = new Map<string, string>();
  for (const section of doc.sections.filter((s) => s.kind === 'webhook')) {
    checkName(section, 'webhook', file);
    const earlier = webhookLabels.get(section.name);
    if (earlier !== undefined) duplicate(section, 'webhook', earlier, file);
    webhookLabels.set(section.name, section.label);
    webhooks.push(readWebhook(section, file, new Set(environments.keys())));
  }

  const nodeConfigs = new Map<string, HubNodeConfig>();
  for (const node of nodes.values()) {
    const memberOf = [...environments.values()].filter((env) => env.members.includes(node.name)).map((env) => env.name);
    const { name, url, username, password, tlsCa } = node;
    nodeConfigs.set(name, { name, url, username, password, tlsCa, environments: memberOf });
  }
  return { file, format, cesi, nodes: nodeConfigs, environments, webhooks, warnings };
}

function checkName(section: RawSection, what: string, file: string): void {
  if (NAME.test(section.name)) return;
  const { label, nameKey } = section;
  throw new HubConfigError(`${what} name '${section.name}' is not valid: ${NAME_RULE}`, {
    file, section: label, key: nameKey, value: nameKey === undefined ? undefined : section.name,
  });
}

function duplicate(section: RawSection, what: string, earlier: string, file: string): never {
  throw new HubConfigError(`${what} '${section.name}' is defined twice (also in ${sectionDisplay(earlier)})`, {
    file, section: section.label, key: section.nameKey, value: section.nameKey === undefined ? undefined : section.name,
  });
}
