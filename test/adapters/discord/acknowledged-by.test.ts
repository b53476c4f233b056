import { Routes } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { interactionAcknowledgedBy } from '../../../src/adapters/discord/client.ts';

describe('which REST request acknowledges an interaction', () => {
  it('is the interaction callback, by its id', () => {
    expect(interactionAcknowledgedBy(Routes.interactionCallback('1234567890', 'aW50ZXJhY3Rpb24'))).toBe('1234567890');
    expect(interactionAcknowledgedBy(`${Routes.interactionCallback('42', 'tok')}?with_response=false`)).toBe('42');
  });

  it('is not an edit, a follow-up or a channel message', () => {
    expect(interactionAcknowledgedBy(Routes.webhookMessage('1111', 'tok', '@original'))).toBeUndefined();
    expect(interactionAcknowledgedBy(Routes.webhook('1111', 'tok'))).toBeUndefined();
    expect(interactionAcknowledgedBy(Routes.channelMessages('2222'))).toBeUndefined();
    expect(interactionAcknowledgedBy('/interactions/42/tok/callbacks')).toBeUndefined();
  });
});
