// An offline JSON-LD document loader for Digital Bazaar's libraries.
//
// It serves exactly the contexts pinned in credstack's package
// (src/credstack/standards/jsonld/contexts/index.json and the files beside it),
// checking each file's SHA-256 against the index, and resolves did:key URLs with
// @digitalbazaar/did-method-key over @digitalbazaar/ed25519-multikey. Any other
// URL throws: nothing is ever fetched from the network, so a test can never pass
// because a context happened to be online.
import {createHash} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {driver as didKeyDriver} from '@digitalbazaar/did-method-key';

const HERE = dirname(fileURLToPath(import.meta.url));
export const CONTEXTS_DIR = process.env.CREDSTACK_CONTEXTS_DIR ||
  join(HERE, '..', '..', 'src', 'credstack', 'standards', 'jsonld', 'contexts');

export class OfflineLoaderError extends Error {
  constructor(message) {
    super(message);
    this.name = 'OfflineLoaderError';
  }
}

function readPinnedContexts(dir) {
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
  const contexts = new Map();
  for(const [url, entry] of Object.entries(index)) {
    const bytes = readFileSync(join(dir, entry.file));
    const digest = createHash('sha256').update(bytes).digest('hex');
    if(digest !== entry.sha256) {
      throw new OfflineLoaderError(
        `pinned context file ${entry.file} fails its SHA-256 check`);
    }
    contexts.set(url, JSON.parse(bytes.toString('utf8')));
  }
  return contexts;
}

export const pinnedContexts = readPinnedContexts(CONTEXTS_DIR);

const didKey = didKeyDriver();
didKey.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});

export async function documentLoader(url) {
  const context = pinnedContexts.get(url);
  if(context !== undefined) {
    // A fresh copy each time: the libraries must not be able to alter the pins.
    return {contextUrl: null, documentUrl: url, document: structuredClone(context)};
  }
  if(typeof url === 'string' && url.startsWith('did:key:')) {
    const document = await didKey.get({url});
    return {contextUrl: null, documentUrl: url, document};
  }
  throw new OfflineLoaderError(
    `URL ${JSON.stringify(url)} is neither a context pinned by credstack nor a ` +
    'did:key; the interop loader never goes to the network');
}
