/**
 * A network-level failure reduced to its code and message. undici errors can hold sockets and
 * request options (headers, so the token); this keeps neither.
 */
export class HfTransportError extends Error {
  override readonly name = 'HfTransportError';
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }

  get isTimeout(): boolean {
    return /TIMEOUT|ETIMEDOUT/.test(this.code);
  }
}

export function toTransportError(error: unknown, redact: (text: string) => string): HfTransportError {
  if (error instanceof HfTransportError) return error;
  const code = readString(error, 'code') ?? readString(error, 'name') ?? 'UNKNOWN';
  const message = readString(error, 'message') ?? 'network error';
  return new HfTransportError(redact(code), redact(message));
}

function readString(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === 'string' ? field : undefined;
}
