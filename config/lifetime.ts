/**
 * How token lifetimes are written in settings (`AUTH_MAX_TOKEN_LIFETIME`) and `masar token --ttl`.
 * A leaf of the configuration, so `config/` need not import the API to validate it.
 */

/** `AUTH_MAX_TOKEN_LIFETIME` when unset: a working day and a night. */
export const DEFAULT_MAX_TOKEN_LIFETIME = '24h';

/** A lifetime as written in settings and `masar token --ttl`: `90s`, `30m`, `8h`, `7d`. */
export const LIFETIME = /^([1-9]\d{0,6})([smhd])$/;
