/** The workflows this worker registers (the bundle's entry point). */
export { procedureCase } from './procedure-case';
export { calendarChange } from './calendar-change';
export { retentionSweep } from './retention-sweep';
