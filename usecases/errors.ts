/**
 * The one error type use cases throw for an outcome the caller should hear about: the thing is not
 * there, the caller may not, it conflicts with the current state, the input is invalid (field by
 * field), or a backing service is down. Transport-neutral: the API maps it to problem+json in one
 * place (`api/problems.ts`), the console to a page, the CLI to a line and an exit code.
 */

/** One bad field of an input: dotted path and what is wrong (line and column for YAML sources). */
export interface FieldError {
  path: string;
  message: string;
  line?: number;
  column?: number;
}

export type UseCaseErrorKind = 'not-found' | 'forbidden' | 'conflict' | 'invalid' | 'unavailable' | 'too-large' | 'unsupported-media-type';

/** A use case's refusal; `code` is a stable slug (`case-closed`, `invalid-definition`...). */
export class UseCaseError extends Error {
  constructor(
    readonly kind: UseCaseErrorKind,
    /** Stable slug naming the refusal. */
    readonly code: string,
    message: string,
    /** For `invalid`: every bad field. */
    readonly fields?: FieldError[],
  ) {
    super(message);
    this.name = 'UseCaseError';
  }
}

export const notFound = (message: string) => new UseCaseError('not-found', 'not-found', message);
export const forbidden = (message: string) => new UseCaseError('forbidden', 'forbidden', message);
export const conflict = (code: string, message: string) => new UseCaseError('conflict', code, message);
export const invalid = (message: string, fields: FieldError[], code = 'invalid-input') => new UseCaseError('invalid', code, message, fields);
export const unavailable = (message: string) => new UseCaseError('unavailable', 'unavailable', message);
/** Content larger than the limit that applies to it (an upload past its field's `maxSize`). */
export const tooLarge = (message: string, fields: FieldError[]) => new UseCaseError('too-large', 'payload-too-large', message, fields);
/** Content of a type the target does not take (a document whose bytes are not of the field's `accept`). */
export const unsupportedMediaType = (message: string, fields: FieldError[]) =>
  new UseCaseError('unsupported-media-type', 'unsupported-media-type', message, fields);
