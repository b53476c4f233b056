import { DefaultRestOptions, type RESTOptions } from 'discord.js';

/**
 * Every message pinbot sends to Discord (posts, edits, interaction answers, on either REST client)
 * is one request through here: its JSON body is scrubbed of the configured secrets, the last line
 * of defence for text that came from elsewhere. A message with files is multipart: its JSON is the
 * `payload_json` part, scrubbed the same; the files go as they are. Headers are left alone (the
 * bot token is in one).
 */
export function scrubbingRequest(scrub: (text: string) => string): RESTOptions['makeRequest'] {
  return (url, init) => {
    if (typeof init.body === 'string') return DefaultRestOptions.makeRequest(url, { ...init, body: scrub(init.body) });
    if (init.body instanceof FormData) return DefaultRestOptions.makeRequest(url, { ...init, body: scrubForm(init.body, scrub) });
    return DefaultRestOptions.makeRequest(url, init);
  };
}

function scrubForm(form: FormData, scrub: (text: string) => string): FormData {
  const scrubbed = new FormData();
  for (const [name, value] of form) {
    if (typeof value === 'string') scrubbed.append(name, scrub(value));
    else scrubbed.append(name, value, value.name);
  }
  return scrubbed;
}
