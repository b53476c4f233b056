import { afterAll } from 'vitest';
import { openStore } from '../../src/store/open-store.ts';
import { describeDurableStore } from './durable-store.ts';
import { dropSchema, freshSchemaName, urlWithSchema } from './postgres-test-db.ts';
import { describeStoreContract } from './store-contract.ts';

const schema = freshSchemaName();
afterAll(() => dropSchema(schema));

describeStoreContract('postgres', () => openStore(urlWithSchema(schema)));

describeDurableStore(() => ({
  kind: 'postgres',
  url: urlWithSchema(schema),
  leaseMs: 400,
  takeoverWithinMs: 2000,
}));
