import { strong, text, type Message } from '../../core/domain/ui.ts';
import type { ConsoleClock } from './sandbox-clock.ts';

/** What `advance` says: clearly a demo clock, how far ahead it is, and what fired. */
export function sandboxClockMessage(clock: ConsoleClock, fired: number): Message {
  const ahead = clock.aheadMs;
  const hours = Math.floor(ahead / 3_600_000);
  const minutes = Math.round((ahead % 3_600_000) / 60_000);
  return {
    visibility: 'private',
    lines: [
      [strong('SANDBOX CLOCK'), text(` — a demo clock, ${hours} h ${minutes} min ahead of the real time: it reads ${new Date(clock.now()).toISOString().slice(0, 16).replace('T', ' ')} UTC.`)],
      [text(fired === 0 ? 'No schedule switch was due by then.' : `${fired} schedule switch${fired === 1 ? ' was' : 'es were'} due by then; each is told above.`)],
    ],
  };
}
