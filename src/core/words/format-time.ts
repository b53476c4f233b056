/** `2026-11-27 12:00 UTC`: every time a reply shows, to the minute. */
export function formatTime(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
