// Log text as the pages show it: HTML-escaped first, then ANSI colour codes (SGR) turned into
// spans with classes (the stylesheet colours them; inline styles would break the CSP), every
// other escape sequence removed, so no raw escape ever reaches the screen. anser does the SGR work.
import { createRequire } from 'node:module';

interface AnserApi {
  escapeForHtml(text: string): string;
  ansiToHtml(text: string, opts: { use_classes: boolean }): string;
  ansiToText(text: string): string;
}

const anser = createRequire(import.meta.url)('anser') as AnserApi;

/** OSC sequences (window titles, hyperlinks) and other non-SGR escapes anser leaves half done. */
const OSC = /\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?/g;
const NON_SGR_CSI = /\x1b\[[0-9;?]*[A-Za-ln-z@`]/g;
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]/g;

function clean(text: string): string {
  return text.replace(OSC, '').replace(NON_SGR_CSI, '');
}

/** Safe HTML with colour spans. */
export function logHtml(text: string): string {
  return anser.ansiToHtml(anser.escapeForHtml(clean(text)), { use_classes: true }).replace(/\x1b/g, '').replace(CONTROL, '');
}

/** Plain text without any escape sequence (for downloads shown as text, and titles). */
export function logText(text: string): string {
  return anser.ansiToText(clean(text)).replace(/\x1b/g, '').replace(CONTROL, '');
}
