/**
 * Incremental Server-Sent-Events parser: feed it decoded text chunks as they arrive (a chunk may
 * end in the middle of a line or of an event) and it returns the `data` payload of every event
 * completed by that chunk. Comment lines (`: keep-alive`) and other fields are ignored.
 */
export class SseParser {
  private buffer = '';
  private dataLines: string[] = [];

  push(chunk: string): string[] {
    this.buffer += chunk;
    const payloads: string[] = [];
    let newline = this.buffer.search(/\r?\n/);
    while (newline !== -1) {
      const line = this.buffer.slice(0, newline);
      const lineEndLength = this.buffer[newline] === '\r' ? 2 : 1;
      this.buffer = this.buffer.slice(newline + lineEndLength);
      if (line === '') {
        if (this.dataLines.length > 0) payloads.push(this.dataLines.join('\n'));
        this.dataLines = [];
      } else if (line.startsWith('data:')) {
        const value = line.slice(5);
        this.dataLines.push(value.startsWith(' ') ? value.slice(1) : value);
      }
      newline = this.buffer.search(/\r?\n/);
    }
    return payloads;
  }
}
