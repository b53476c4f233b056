import { parseCommand } from '../../src/core/domain/grammar.ts';
import type { ChangeCommand } from '../../src/core/domain/command.ts';
import { plainText } from '../../src/core/domain/ui.ts';
import { renderResult } from '../../src/core/words/replies.ts';
import type { SimulatedEndpoint } from '../../src/backends/endpoints/simulator.ts';
import { ENDPOINT_COMMAND_WORDS } from '../../src/backends/endpoints/words.ts';
import type { PinbotHarness } from './pinbot-harness.ts';
import { CHAT_STYLE } from './reply-style.ts';

export const alice = { platform: 'slack' as const, userId: 'UALICE' };
export const context = { scope: 'default', principal: alice, channel: { platform: 'slack' as const, channelId: 'C1' } };

/**
 * Endpoints on hardware of the simulator's catalogue: aws us-east-1 gpu nvidia-a10g x1 $1.00,
 * nvidia-l4 x1 $0.80, cpu intel-spr x1 $0.033; and one in eu-west-1, which has no price.
 */
export const PRICED_ENDPOINTS: readonly SimulatedEndpoint[] = [
  { name: 'llama-chat', repository: 'meta-llama/Llama-3.1-8B-Instruct', minReplica: 1, maxReplica: 2 },
  { name: 'embedder', repository: 'BAAI/bge-small-en-v1.5', minReplica: 0, maxReplica: 1, scaleToZeroTimeout: 30, accelerator: 'gpu', instanceType: 'nvidia-l4', instanceSize: 'x1' },
  { name: 'sentiment', repository: 'distilbert/sst2', minReplica: 0, maxReplica: 3, scaleToZeroTimeout: 15, accelerator: 'cpu', instanceType: 'intel-spr', instanceSize: 'x1' },
  {
    name: 'sentiment-eu', repository: 'distilbert/sst2-eu', minReplica: 0, maxReplica: 1, scaleToZeroTimeout: 15,
    accelerator: 'cpu', instanceType: 'intel-spr', instanceSize: 'x1', region: 'eu-west-1',
  },
];

/** A fresh copy, for a simulator that changes what it is given. */
export const pricedEndpoints = (): SimulatedEndpoint[] => PRICED_ENDPOINTS.map((endpoint) => ({ ...endpoint }));

export const typed = (text: string): ChangeCommand => parseCommand(text, ENDPOINT_COMMAND_WORDS) as ChangeCommand;

/** The endpoints PUT, by name, in order. */
export const puts = (h: PinbotHarness): (string | undefined)[] => (h.endpointsSimulator?.requestLog ?? [])
  .filter((r) => r.source === 'client' && r.method === 'PUT').map((r) => r.path.split('/').at(-1));

/** `list` as the chat shows it, line by line. */
export async function listLines(h: PinbotHarness): Promise<string[]> {
  const result = await h.service.execute({ verb: 'list' }, context);
  if (result.kind !== 'list') throw new Error('expected a list');
  return renderResult(result, CHAT_STYLE).lines.map(plainText);
}
