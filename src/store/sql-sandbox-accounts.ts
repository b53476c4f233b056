import type { Kysely } from 'kysely';
import { parseJson } from './json-column.ts';
import type { Database } from './schema.ts';

/** A sandbox account as the simulator holds it: the plan's cap and the list as written, extra fields kept. */
export interface SandboxAccountState {
  readonly allowed: number;
  readonly pins: readonly ({ model_id: string; compute_type: string } & Record<string, unknown>)[];
}

/**
 * The sandbox's simulated account, kept in the same database as pinbot's history, so that
 * `history`, `revert` and drift always speak of the list the sandbox really holds, and removing
 * the store starts both afresh.
 */
export class SqlSandboxAccounts {
  constructor(private readonly db: Kysely<Database>) {}

  async load(token: string): Promise<SandboxAccountState | undefined> {
    const row = await this.db.selectFrom('sandbox_accounts').selectAll().where('token', '=', token).executeTakeFirst();
    return row ? { allowed: row.allowed, pins: parseJson(row.pins) } : undefined;
  }

  async save(token: string, state: SandboxAccountState, at: number): Promise<void> {
    const values = { allowed: state.allowed, pins: JSON.stringify(state.pins), updated_at: at };
    await this.db
      .insertInto('sandbox_accounts')
      .values({ token, ...values })
      .onConflict((oc) => oc.column('token').doUpdateSet(values))
      .execute();
  }
}

/** One simulated endpoint's scaling as the sandbox keeps it, by endpoint name. */
export interface SandboxEndpointScaling {
  readonly name: string;
  readonly minReplica: number;
  readonly maxReplica: number;
  readonly scaleToZeroTimeout: number | null;
}

/**
 * The sandbox's simulated Inference Endpoints, kept like its account: an endpoint warmed in one
 * run is still warm in the next, where `history` and `revert` speak of it.
 */
export class SqlSandboxEndpoints {
  constructor(private readonly db: Kysely<Database>) {}

  async load(token: string): Promise<SandboxEndpointScaling[] | undefined> {
    const row = await this.db.selectFrom('sandbox_endpoints').selectAll().where('token', '=', token).executeTakeFirst();
    return row ? parseJson(row.endpoints) : undefined;
  }

  async save(token: string, endpoints: readonly SandboxEndpointScaling[], at: number): Promise<void> {
    const values = { endpoints: JSON.stringify(endpoints), updated_at: at };
    await this.db
      .insertInto('sandbox_endpoints')
      .values({ token, ...values })
      .onConflict((oc) => oc.column('token').doUpdateSet(values))
      .execute();
  }
}
