import { DefaultRestOptions, type RESTOptions } from 'discord.js';

/**
 * Every message pinbot sends to Discord (posts, edits, interaction answers, on either REST client)
 * is one request through here: its JSON body is scrubbed of the configured secrets, the last line
 * of defence for text that came from elsewhere. A message with files is multipart: its JSON is the
 * `payload_json` part, scrubbed the same; the files go as they are. Headers are left alone (the
 * bot token is in one).
 */
export function scrubbingRequest(scrub: (text: string) => string): RESTOptions['makeRequest'] {
  return async (url, init) => {
    if (typeof init.body === 'string') return DefaultRestOptions.makeRequest(url, { ...init, body: scrub(init.body) });
    if (init.body instanceof FormData) return DefaultRestOptions.makeRequest(url, { ...init, ...(await encodedForm(scrubForm(init.body, scrub), init.headers)) });
    return DefaultRestOptions.makeRequest(url, init);
  };
}

/**
 * The form as the bytes of a multipart body, with the content type that names its boundary. Sent
 * as bytes, not as a FormData: the HTTP client under discord.js may be another undici than the one
 * whose FormData this is, and a FormData of one undici is not streamed by another.
 */
async function encodedForm(form: FormData, headers: RequestInit['headers']): Promise<{ body: Uint8Array; headers: Record<string, string> }> {
  const encoded = new Response(form);
  const contentType = encoded.headers.get('content-type') ?? 'multipart/form-data';
  const plain = Object.fromEntries(new Headers(headers).entries());
  return { body: new Uint8Array(await encoded.arrayBuffer()), headers: { ...plain, 'content-type': contentType } };
}

function scrubForm(form: FormData, scrub: (text: string) => string): FormData {
  const scrubbed = new FormData();
  for (const [name, value] of form) {
    if (typeof value === 'string') scrubbed.append(name, scrub(value));
    else scrubbed.append(name, value, value.name);
  }
  return scrubbed;
}
