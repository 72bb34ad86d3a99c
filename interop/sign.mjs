#!/usr/bin/env node
// Signs a credential with Digital Bazaar's implementation.
//
//   node interop/sign.mjs [CREDENTIAL.json|-] --key KEY.json
//        [--created 2024-01-01T00:00:00Z] [--verification-method URL]
//
// CREDENTIAL is an unsigned credential (standard input when "-" or absent); KEY is
// W3C Multikey JSON with publicKeyMultibase and secretKeyMultibase. The proof is a
// DataIntegrityProof with the eddsa-rdfc-2022 cryptosuite, made by
// @digitalbazaar/vc issue(); its verification method is the key's did:key unless
// the key has an id or --verification-method is given. Prints the signed
// credential. Exit status: 0 signed, 1 refused (reason on standard error),
// 2 wrong usage.
import * as vc from '@digitalbazaar/vc';

import {
  UsageError, describeError, keyPairFromJson, parseArgs, readJson, signingSuite
} from './lib/common.mjs';
import {documentLoader} from './lib/offline-loader.mjs';

async function main(argv) {
  const args = parseArgs(argv, {options: ['key', 'created', 'verification-method']});
  if(!args.key) {
    throw new UsageError('--key KEY.json is required');
  }
  if(args.positional.length > 1) {
    throw new UsageError('give at most one credential');
  }
  const credential = readJson(args.positional[0]);
  const keyPair = await keyPairFromJson(readJson(args.key), {
    verificationMethod: args['verification-method']
  });
  const suite = signingSuite({keyPair, created: args.created});
  return vc.issue({credential, suite, documentLoader});
}

main(process.argv.slice(2)).then(signed => {
  process.stdout.write(JSON.stringify(signed, null, 2) + '\n');
}, error => {
  process.stderr.write(`sign.mjs: ${describeError(error)}\n`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
});
