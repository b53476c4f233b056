/** Reads a JSON text column. The store wrote it itself, so its shape is the one it stored. */
export function parseJson<T>(text: string): T {
  return JSON.parse(text) as T;
}
