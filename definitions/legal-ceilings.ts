/**
 * Warnings about deadlines the law caps: law 55-19 (simplification of administrative procedures)
 * gives the administration at most 60 days to answer. A clock whose longest period (its duration
 * plus every extension it allows) may exceed that is suspicious unless the definition cites the
 * text that allows it (`basis` on the clock). Warnings do not stop publishing. Pure.
 */
import type { Problem } from './errors';
import { DurationError, effectiveDuration, type Duration } from './duration';
import type { Procedure } from './schema';

/** Law 55-19's ceiling on the administration's answer, in calendar days. */
export const ANSWER_CEILING_DAYS = 60;

/**
 * Calendar days a duration spans at most. Working days count 7/5 (weekends; holidays make the
 * real span longer still); months 31 days, years 366.
 */
export function calendarDaysAtMost(d: Duration): number {
  if (d.kind === 'working_days') return (d.days * 7) / 5;
  return d.years * 366 + d.months * 31 + d.weeks * 7 + d.days + (d.hours * 3600 + d.minutes * 60 + d.seconds) / 86_400;
}

/** One warning per clock that may run past the ceiling without a cited basis. */
export function legalCeilingWarnings(procedure: Procedure): Problem[] {
  const warnings: Problem[] = [];
  for (const [name, clock] of Object.entries(procedure.clocks)) {
    if (clock.basis && clock.basis.trim() !== '') continue;
    let days: number;
    try {
      days = calendarDaysAtMost(effectiveDuration(clock.duration, clock.counting));
      if (clock.extension) days += clock.extension.max * calendarDaysAtMost(effectiveDuration(clock.extension.by, clock.counting));
    } catch (err) {
      if (err instanceof DurationError) continue; // reported as an error by the validator
      throw err;
    }
    if (days > ANSWER_CEILING_DAYS) {
      warnings.push({
        path: ['clocks', name, 'duration'],
        at: 'value',
        message: `clock "${name}" may run about ${Math.round(days)} days${clock.extension ? ' with its extensions' : ''}, above the ${ANSWER_CEILING_DAYS}-day ceiling of law 55-19`,
        hint: 'shorten it, or cite the text that allows it in the clock\'s "basis"',
      });
    }
  }
  return warnings;
}
