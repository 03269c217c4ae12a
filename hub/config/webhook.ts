// One [webhook:NAME] section or [[webhooks]] entry: where to POST, which events, for which
// environments' nodes, and the optional secret the deliveries are signed with.

import type { RawSection } from './raw.js';
import type { WebhookConfig, WebhookEvent } from './types.js';
import { Field, SectionValues, list, optionalText, requiredText } from './values.js';

const KEYS = ['url', 'events', 'environment', 'secret'];
const EVENTS: readonly WebhookEvent[] = ['process_fatal', 'process_exited_unexpected', 'node_down', 'node_up'];

function isEvent(name: string): name is WebhookEvent {
  return EVENTS.some((event) => event === name);
}

/** `environments` are the names configured by now; a webhook may only name those. */
export function readWebhook(section: RawSection, file: string, environments: ReadonlySet<string>): WebhookConfig {
  const values = new SectionValues(file, section, KEYS);
  const urlField = values.get('url') ?? values.fail('a webhook needs url (http:// or https://)', 'url');
  const url = requiredText(urlField);
  if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) urlField.fail('url must be an http:// or https:// URL');
  const eventsField = values.get('events');
  const events: WebhookEvent[] = [];
  for (const name of eventsField === undefined ? EVENTS : list(eventsField)) {
    if (!isEvent(name)) return new Field(file, section.label, 'events', name).fail(`unknown event '${name}' (events are ${EVENTS.join(', ')})`);
    events.push(name);
  }
  if (eventsField !== undefined && events.length === 0) {
    eventsField.fail(`events must name at least one of ${EVENTS.join(', ')} (leave the key out for all)`);
  }
  const environmentField = values.get('environment');
  const named = environmentField === undefined ? [] : list(environmentField);
  for (const name of named) {
    if (!environments.has(name)) {
      new Field(file, section.label, 'environment', name).fail(`webhook '${section.name}' names unknown environment '${name}'`);
    }
  }
  return {
    name: section.name,
    url,
    events,
    environments: named.length === 0 ? null : named,
    secret: optionalText(values.get('secret')),
  };
}
