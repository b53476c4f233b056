// One ack benchmark (Slack or Discord) in a process of its own, started by run.ts: each starts
// from a fresh heap, as a deployed pinbot does, rather than on what the parts before it left.
// Usage: part.ts slack|discord <result.json>
import { writeFileSync } from 'node:fs';
import { benchDiscordAck } from './discord-ack.ts';
import { benchSlackAck } from './slack-ack.ts';

const [part, out] = process.argv.slice(2);
const bench = part === 'slack' ? benchSlackAck : part === 'discord' ? benchDiscordAck : undefined;
if (bench === undefined || out === undefined) throw new Error('usage: part.ts slack|discord <result.json>');
const result = await bench((line) => process.stderr.write(`${line}\n`));
writeFileSync(out, JSON.stringify(result));
// Nothing else is wanted from this process; a handle left open by a client must not keep it.
process.exit(0);
