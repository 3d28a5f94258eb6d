/** The document store a process's configuration names: S3-compatible when MASAR_S3_URL is set, else the filesystem. */
import type { DocumentsConfig } from '../config/env';
import { createFsDocumentStore } from './fs-store';
import { createS3DocumentStore } from './s3-store';
import type { DocumentStore } from './store';

/** The settings that name a store (config/env.ts `DocumentStoreEnv`), shared by the API, the worker and the CLI. */
export type DocumentStoreSettings = Pick<DocumentsConfig, 'MASAR_DOCUMENTS_DIR' | 'MASAR_S3_URL' | 'MASAR_S3_ACCESS_KEY_ID' | 'MASAR_S3_SECRET_ACCESS_KEY' | 'MASAR_S3_REGION'>;

export function documentStoreFrom(config: DocumentStoreSettings): DocumentStore {
  if (config.MASAR_S3_URL) {
    // loadApiConfig / loadDocumentsConfig refuse an S3 URL without both parts of the key.
    return createS3DocumentStore({
      url: config.MASAR_S3_URL,
      accessKeyId: config.MASAR_S3_ACCESS_KEY_ID ?? '',
      secretAccessKey: config.MASAR_S3_SECRET_ACCESS_KEY ?? '',
      region: config.MASAR_S3_REGION,
    });
  }
  return createFsDocumentStore(config.MASAR_DOCUMENTS_DIR);
}
