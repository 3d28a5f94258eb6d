/**
 * The one way every Masar process reaches Temporal: address, TLS, mTLS client certificate and API
 * key from the shared configuration. The API and the CLI use `connectTemporal` (a client connection);
 * the worker passes `temporalConnectionOptions` to its native connection, which takes the same shape.
 * Every client and worker also takes `temporalDataConverter`: with payload keys configured, what
 * goes to Temporal is encrypted (`payload-codec.ts`); a process without them could not read it.
 */
import { readFileSync } from 'node:fs';
import { Connection, type TLSConfig } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { TemporalConfig } from './env';
import { EncryptionCodec, parsePayloadKeys, type PayloadKeyring } from './payload-codec';

/** What both `Connection` and the worker's `NativeConnection` accept. */
export interface TemporalConnectionOptions {
  address: string;
  tls?: TLSConfig | boolean;
  apiKey?: string;
}

function readPem(variable: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new Error(`${variable}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); set it to a PEM file this process can read`);
  }
}

/**
 * Connection options from the configuration: mTLS when a client certificate and key are given,
 * plain TLS when `TEMPORAL_TLS` or an API key asks for it (Temporal Cloud), none otherwise.
 * Reads the certificate files now, so a bad path fails at start naming the variable.
 */
export function temporalConnectionOptions(config: TemporalConfig): TemporalConnectionOptions {
  const tls: TLSConfig | boolean | undefined =
    config.TEMPORAL_TLS_CERT && config.TEMPORAL_TLS_KEY
      ? { clientCertPair: { crt: readPem('TEMPORAL_TLS_CERT', config.TEMPORAL_TLS_CERT), key: readPem('TEMPORAL_TLS_KEY', config.TEMPORAL_TLS_KEY) } }
      : config.TEMPORAL_TLS || config.TEMPORAL_API_KEY
        ? true
        : undefined;
  return {
    address: config.TEMPORAL_ADDRESS,
    ...(tls ? { tls } : {}),
    ...(config.TEMPORAL_API_KEY ? { apiKey: config.TEMPORAL_API_KEY } : {}),
  };
}

/**
 * A client connection to Temporal. `lazy`: connect on first use, so a process (the API) starts
 * while Temporal is still coming up; otherwise connect now and fail if it does not answer.
 */
export async function connectTemporal(config: TemporalConfig, options: { lazy?: boolean } = {}): Promise<Connection> {
  const connection = temporalConnectionOptions(config);
  return options.lazy ? Connection.lazy(connection) : Connection.connect(connection);
}

/**
 * The payload keyring from `MASAR_PAYLOAD_KEYS` or the file `MASAR_PAYLOAD_KEY_FILE` (read now, so
 * a bad path or key fails at start naming the variable); undefined when neither is set.
 */
export function payloadKeyring(config: Pick<TemporalConfig, 'MASAR_PAYLOAD_KEYS' | 'MASAR_PAYLOAD_KEY_FILE'>): PayloadKeyring | undefined {
  if (config.MASAR_PAYLOAD_KEYS) return parsePayloadKeys(config.MASAR_PAYLOAD_KEYS, 'MASAR_PAYLOAD_KEYS');
  if (!config.MASAR_PAYLOAD_KEY_FILE) return undefined;
  let source: string;
  try {
    source = readFileSync(config.MASAR_PAYLOAD_KEY_FILE, 'utf8');
  } catch (err) {
    throw new Error(`MASAR_PAYLOAD_KEY_FILE: cannot read ${config.MASAR_PAYLOAD_KEY_FILE} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); set it to a file of id:secret lines this process can read`);
  }
  return parsePayloadKeys(source, `MASAR_PAYLOAD_KEY_FILE (${config.MASAR_PAYLOAD_KEY_FILE})`);
}

/** The payload codec of this configuration, or undefined when no payload key is configured. */
export function payloadCodec(config: Pick<TemporalConfig, 'MASAR_PAYLOAD_KEYS' | 'MASAR_PAYLOAD_KEY_FILE'>): EncryptionCodec | undefined {
  const keys = payloadKeyring(config);
  return keys ? new EncryptionCodec(keys) : undefined;
}

/** What every `Client` and `Worker` of Masar is given: the codec when keys are configured. */
export function temporalDataConverter(codec: EncryptionCodec | undefined): DataConverter {
  return codec ? { payloadCodecs: [codec] } : {};
}
