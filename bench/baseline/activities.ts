/**
 * The baseline's activities: no-ops with the names and call pattern of the engine's (a due date,
 * notifications, projections), so the baseline pays Temporal's cost of each call and nothing else.
 */
export const baselineActivities = {
  async computeDue(): Promise<{ due: string }> {
    return { due: new Date(Date.now() + 20 * 86_400_000).toISOString() };
  },
  async notify(): Promise<{ messages: [] }> {
    return { messages: [] };
  },
  async project(): Promise<{ applied: boolean }> {
    return { applied: true };
  },
};

export type BaselineActivities = typeof baselineActivities;
