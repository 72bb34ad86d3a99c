#!/usr/bin/env node
// Verifies a signed credential with Digital Bazaar's implementation.
//
//   node interop/verify.mjs [SIGNED.json|-] [--now 2024-01-01T00:00:00Z] [--batch]
//
// Runs @digitalbazaar/vc verifyCredential() with a DataIntegrityProof /
// eddsa-rdfc-2022 suite, the credential-issuance (assertionMethod) purpose, which
// also requires the verification method's controller to be the issuer, and the
// offline loader (pinned contexts, did:key). Prints {"verified": bool, "error":
// string|null}. Exit status: 0 verified, 1 not verified, 2 wrong usage. With --batch
// the input is a JSON array of credentials and the output an array of such reports;
// exit 0 only if every one verified.
import * as vc from '@digitalbazaar/vc';

import {UsageError, describeError, parseArgs, readJson, verifyingSuite} from
  './lib/common.mjs';
import {documentLoader} from './lib/offline-loader.mjs';

async function main(argv) {
  const args = parseArgs(argv, {options: ['now'], flags: ['batch']});
  if(args.positional.length > 1) {
    throw new UsageError('give at most one credential');
  }
  const input = readJson(args.positional[0]);
  const verify = async credential => {
    const result = await vc.verifyCredential({
      credential,
      suite: verifyingSuite(),
      purpose: new vc.CredentialIssuancePurpose(),
      documentLoader,
      now: args.now
    });
    return {verified: result.verified === true, error: describeError(result.error)};
  };
  if(!args.batch) {
    return verify(input);
  }
  if(!Array.isArray(input)) {
    throw new UsageError('with --batch the input must be a JSON array of credentials');
  }
  const reports = [];
  for(const credential of input) {
    reports.push(await verify(credential));
  }
  return reports;
}

main(process.argv.slice(2)).then(output => {
  process.stdout.write(JSON.stringify(output) + '\n');
  const reports = Array.isArray(output) ? output : [output];
  process.exitCode = reports.every(report => report.verified) ? 0 : 1;
}, error => {
  process.stderr.write(`verify.mjs: ${describeError(error)}\n`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
});
