// Where a command's output goes. In text mode every call writes supervisorctl's lines at once; with
// --json the calls build one JSON document per command, written by end().
// The texts themselves come from format.ts; this file only routes them.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Writer { write(text: string): void }

export class Output {
  #items: Json[] = [];
  #doc: Json | undefined;
  #error: string | undefined;
  #streamed = false;

  constructor(private readonly stdout: Writer, readonly json: boolean) {}

  /** A line shown in text mode only (usage help after an error, blank lines). */
  line(text: string): void {
    if (!this.json) this.stdout.write(text + '\n');
  }

  /** One line of text, or one element of the command's JSON array. */
  item(text: string, json: Json): void {
    if (this.json) this.#items.push(json);
    else this.stdout.write(text + '\n');
  }

  /** Lines of text, or the command's whole JSON document. */
  doc(text: string | readonly string[], json: Json): void {
    if (this.json) { this.#doc = json; return; }
    for (const l of typeof text === 'string' ? [text] : text) this.stdout.write(l + '\n');
  }

  /** Text written as is (log tails); in JSON mode use doc() instead. */
  raw(text: string): void {
    if (!this.json) this.stdout.write(text);
  }

  /** A command-level failure: the text line, or `{"error": text}` (the first one wins). */
  fail(text: string): void {
    if (this.json) this.#error ??= text;
    else this.stdout.write(text + '\n');
  }

  /** A JSON line written at once (streams: tail -f, maintail -f). */
  stream(json: Json): void {
    if (!this.json) return;
    this.#streamed = true;
    this.stdout.write(JSON.stringify(json) + '\n');
  }

  /** Ends a command: writes its JSON document (an error, a document, or the array of items;
   * nothing after a stream that ended normally). */
  end(): void {
    if (!this.json) return;
    let doc: Json;
    if (this.#error !== undefined) {
      doc = this.#items.length > 0 ? { error: this.#error, results: this.#items } : { error: this.#error };
    } else if (this.#doc !== undefined || !this.#streamed) {
      doc = this.#doc ?? this.#items;
    } else {
      this.reset();
      return;
    }
    this.stdout.write(JSON.stringify(doc) + '\n');
    this.reset();
  }

  /** Forgets what a command produced so far (used before a retry after authentication). */
  reset(): void {
    this.#items = [];
    this.#doc = undefined;
    this.#error = undefined;
    this.#streamed = false;
  }
}
