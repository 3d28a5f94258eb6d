import { loadApiConfig } from '../config/env';
import { loadSeal, demoSealFiles } from '../documents/seal-files';
try { loadApiConfig({ DATABASE_URL: 'postgres://x', AUTH_JWT_SECRET: 'x'.repeat(32), MASAR_SEAL_CERT: '/tmp/a.pem' }); } catch (e) { console.log((e as Error).message); }
try { loadSeal('/nope/cert.pem', '/nope/key.pem'); } catch (e) { console.log((e as Error).message); }
try { loadSeal('/tmp/pdfx/seal.pem', '/tmp/pdfx/ca.key'); } catch (e) { console.log((e as Error).message); }
const f = demoSealFiles('/tmp/pdfx/demo'); console.log(f, loadSeal(f.cert, f.key).name);
