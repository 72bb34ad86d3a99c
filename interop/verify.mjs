#!/usr/bin/env node
// Verifies a signed credential with Digital Bazaar's implementation.
//
//   node interop/verify.mjs [SIGNED.json|-] [--now 2024-01-01T00:00:00Z]
//
// Runs @digitalbazaar/vc verifyCredential() with a DataIntegrityProof /
// eddsa-rdfc-2022 suite, the credential-issuance (assertionMethod) purpose, which
// also requires the verification method's controller to be the issuer, and the
// offline loader (pinned contexts, did:key). Prints {"verified": bool, "error":
// string|null}. Exit status: 0 verified, 1 not verified, 2 wrong usage.
import * as vc from '@digitalbazaar/vc';

import {UsageError, describeError, parseArgs, readJson, verifyingSuite} from
  './lib/common.mjs';
import {documentLoader} from './lib/offline-loader.mjs';

async function main(argv) {
  const args = parseArgs(argv, {options: ['now']});
  if(args.positional.length > 1) {
    throw new UsageError('give at most one credential');
  }
  const credential = readJson(args.positional[0]);
  const result = await vc.verifyCredential({
    credential,
    suite: verifyingSuite(),
    purpose: new vc.CredentialIssuancePurpose(),
    documentLoader,
    now: args.now
  });
  return {verified: result.verified === true, error: describeError(result.error)};
}

main(process.argv.slice(2)).then(report => {
  process.stdout.write(JSON.stringify(report) + '\n');
  process.exitCode = report.verified ? 0 : 1;
}, error => {
  process.stderr.write(`verify.mjs: ${describeError(error)}\n`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
});
