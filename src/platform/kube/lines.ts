import { StringDecoder } from 'node:string_decoder';

/**
 * Splits a byte stream into lines across chunk boundaries, multi-byte UTF-8 characters
 * included. Accepts `\n` and `\r\n`; the unfinished tail waits for the next chunk or `end()`.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private tail = '';

  /** The complete lines of this chunk, without their line endings. */
  push(chunk: Buffer | string): string[] {
    const text = this.tail + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    const lines = text.split('\n');
    this.tail = lines.pop() ?? '';
    return lines.map(stripCr);
  }

  /** The last line when the stream ended without a newline, if any. */
  end(): string[] {
    const rest = this.tail + this.decoder.end();
    this.tail = '';
    return rest === '' ? [] : [stripCr(rest)];
  }

  /** Forgets an unfinished line, for a stream that was cut and will be resumed. */
  discard(): string {
    const rest = this.tail + this.decoder.end();
    this.tail = '';
    return rest;
  }
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
