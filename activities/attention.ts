/**
 * `recordAttention`: the small activity a case calls when one of its steps failed permanently,
 * so administrators see the case (`GET /api/v1/attention`) instead of a workflow retrying forever.
 * It must not fail the way the step did: every text is made storable and shortened first
 * (`db/attention.ts`), and it touches one row.
 */
import { recordAttention } from '../db/attention';
import type { Db } from '../db/pool';
import type { AttentionRecord } from './types';

export function createAttentionActivities({ db }: { db: Db }) {
  return {
    /** Opens (error given) or resolves (no error) the case's attention row. Idempotent. */
    async recordAttention(input: AttentionRecord): Promise<void> {
      await recordAttention(db, input);
    },
  };
}
