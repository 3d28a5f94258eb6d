/**
 * The caller of a use case, as a transport verified it (the API from a bearer token, the console
 * from its session). Use cases decide who may from this and nothing else.
 */
import type { Language } from '../definitions/schema';

/** The verified caller. */
export interface Principal {
  sub: string;
  name?: string | undefined;
  email?: string | undefined;
  roles: string[];
  /** Unit code the caller works at (staff); absent for applicants. */
  unit?: string | undefined;
  lang: Language;
}
