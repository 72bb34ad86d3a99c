#!/usr/bin/env node
// Signs a credential with Digital Bazaar's implementation.
//
//   node interop/sign.mjs [CREDENTIAL.json|-] --key KEY.json
//        [--created 2024-01-01T00:00:00Z] [--verification-method URL] [--batch]
//
// CREDENTIAL is an unsigned credential (standard input when "-" or absent); KEY is
// W3C Multikey JSON with publicKeyMultibase and secretKeyMultibase. The proof is a
// DataIntegrityProof with the eddsa-rdfc-2022 cryptosuite, made by
// @digitalbazaar/vc issue(); its verification method is the key's did:key unless
// the key has an id or --verification-method is given. Prints the signed
// credential. Exit status: 0 signed, 1 refused (reason on standard error),
// 2 wrong usage. With --batch the input is a JSON array of credentials and the output
// an array of {"signed": credential} or {"error": reason}, one per input; exit 0.
import * as vc from '@digitalbazaar/vc';

import {
  UsageError, describeError, keyPairFromJson, parseArgs, readJson, signingSuite
} from './lib/common.mjs';
import {documentLoader} from './lib/offline-loader.mjs';

async function main(argv) {
  const args = parseArgs(argv, {
    options: ['key', 'created', 'verification-method'], flags: ['batch']
  });
  if(!args.key) {
    throw new UsageError('--key KEY.json is required');
  }
  if(args.positional.length > 1) {
    throw new UsageError('give at most one credential');
  }
  const input = readJson(args.positional[0]);
  const keyPair = await keyPairFromJson(readJson(args.key), {
    verificationMethod: args['verification-method']
  });
  const sign = credential => vc.issue({
    credential,
    suite: signingSuite({keyPair, created: args.created}),
    documentLoader
  });
  if(!args.batch) {
    return sign(input);
  }
  if(!Array.isArray(input)) {
    throw new UsageError('with --batch the input must be a JSON array of credentials');
  }
  const results = [];
  for(const credential of input) {
    try {
      results.push({signed: await sign(credential)});
    } catch(error) {
      results.push({error: describeError(error)});
    }
  }
  return results;
}

main(process.argv.slice(2)).then(output => {
  process.stdout.write(JSON.stringify(output, null, 2) + '\n');
}, error => {
  process.stderr.write(`sign.mjs: ${describeError(error)}\n`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
});
