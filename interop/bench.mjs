#!/usr/bin/env node
// The JavaScript side of credstack's reference benchmark.
//
//   node interop/bench.mjs CREDENTIAL.json [--n 200] [--warmup 20] [--key KEY.json]
//
// Signs the unsigned CREDENTIAL N times with @digitalbazaar/vc issue()
// (DataIntegrityProof, eddsa-rdfc-2022), then verifies the signed credential N times
// with verifyCredential(), after WARMUP untimed rounds of each. The issuer is replaced
// by the key's did:key so that verification includes the issuer binding, as in
// credstack. Without --key a fixed seed gives the same key on every run. One process,
// one thread of JavaScript. Prints {"sign_per_s", "verify_per_s", "n", ...} as JSON.
import {performance} from 'node:perf_hooks';

import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as vc from '@digitalbazaar/vc';

import {
  UsageError, describeError, didKeyOf, keyPairFromJson, parseArgs, readJson,
  signingSuite, verifyingSuite
} from './lib/common.mjs';
import {documentLoader} from './lib/offline-loader.mjs';

const FIXED_SEED = new Uint8Array(32).fill(7);

function positiveInteger(value, name, fallback) {
  if(value === undefined) {
    return fallback;
  }
  const number = Number(value);
  if(!Number.isInteger(number) || number < 0 || (name === 'n' && number === 0)) {
    throw new UsageError(`--${name} must be a ${name === 'n' ? 'positive' : 'non-negative'} integer`);
  }
  return number;
}

async function loadKeyPair(path) {
  if(path) {
    return keyPairFromJson(readJson(path));
  }
  const generated = await Ed25519Multikey.generate({seed: FIXED_SEED});
  const exported = await generated.export({publicKey: true, secretKey: true});
  return keyPairFromJson(exported);
}

function issuedBy(credential, did) {
  const copy = structuredClone(credential);
  if(copy.issuer && typeof copy.issuer === 'object') {
    copy.issuer.id = did;
  } else {
    copy.issuer = did;
  }
  return copy;
}

async function sign(credential, keyPair) {
  return vc.issue({
    credential: structuredClone(credential),
    suite: signingSuite({keyPair}),
    documentLoader
  });
}

async function verify(signed) {
  const result = await vc.verifyCredential({
    credential: signed,
    suite: verifyingSuite(),
    purpose: new vc.CredentialIssuancePurpose(),
    documentLoader
  });
  if(!result.verified) {
    throw new Error(`the benchmark credential does not verify: ${describeError(result.error)}`);
  }
}

async function perSecond(rounds, operation) {
  const start = performance.now();
  for(let i = 0; i < rounds; i++) {
    await operation();
  }
  const seconds = (performance.now() - start) / 1000;
  return rounds / seconds;
}

async function main(argv) {
  const args = parseArgs(argv, {options: ['n', 'warmup', 'key']});
  if(args.positional.length !== 1) {
    throw new UsageError('give exactly one unsigned credential');
  }
  const n = positiveInteger(args.n, 'n', 200);
  const warmup = positiveInteger(args.warmup, 'warmup', 20);
  const keyPair = await loadKeyPair(args.key);
  const credential = issuedBy(
    readJson(args.positional[0]), didKeyOf(keyPair.publicKeyMultibase));

  const signed = await sign(credential, keyPair);
  await verify(signed);
  for(let i = 0; i < warmup; i++) {
    await sign(credential, keyPair);
    await verify(signed);
  }
  const signPerSecond = await perSecond(n, () => sign(credential, keyPair));
  const verifyPerSecond = await perSecond(n, () => verify(signed));
  return {
    sign_per_s: signPerSecond,
    verify_per_s: verifyPerSecond,
    n,
    warmup,
    runtime: `node ${process.versions.node}`
  };
}

main(process.argv.slice(2)).then(result => {
  process.stdout.write(JSON.stringify(result) + '\n');
}, error => {
  process.stderr.write(`bench.mjs: ${describeError(error)}\n`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
});
