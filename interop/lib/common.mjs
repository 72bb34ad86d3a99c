// Shared pieces of the interop scripts: input, keys, suites and error reporting.
import {readFileSync} from 'node:fs';

import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022Cryptosuite} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

export class UsageError extends Error {
  constructor(message) {
    super(message);
    this.name = 'UsageError';
  }
}

// Parses `--name value` options and positional arguments.
export function parseArgs(argv, {options = [], flags = []} = {}) {
  const parsed = {positional: []};
  for(let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if(arg.startsWith('--') && arg.length > 2) {
      const name = arg.slice(2);
      if(flags.includes(name)) {
        parsed[name] = true;
      } else if(options.includes(name)) {
        if(i + 1 >= argv.length) {
          throw new UsageError(`option --${name} needs a value`);
        }
        parsed[name] = argv[++i];
      } else {
        throw new UsageError(`unknown option --${name}`);
      }
    } else {
      parsed.positional.push(arg);
    }
  }
  return parsed;
}

// Reads a JSON document from a path, or from standard input for "-" or no path.
export function readJson(path) {
  const text = (path === undefined || path === '-') ?
    readFileSync(0, 'utf8') : readFileSync(path, 'utf8');
  try {
    return JSON.parse(text);
  } catch(error) {
    throw new UsageError(`${path ?? 'standard input'} is not JSON: ${error.message}`);
  }
}

// The did:key DID of an Ed25519 public key in multibase (z6Mk...).
export function didKeyOf(publicKeyMultibase) {
  return `did:key:${publicKeyMultibase}`;
}

// A key pair from W3C Multikey JSON with publicKeyMultibase and secretKeyMultibase
// (privateKeyMultibase, the name the W3C vc-di-eddsa vectors use, is accepted too).
// Without an `id`, the key is the did:key verification method of its public key.
export async function keyPairFromJson(json, {verificationMethod} = {}) {
  const publicKeyMultibase = json.publicKeyMultibase;
  const secretKeyMultibase = json.secretKeyMultibase ?? json.privateKeyMultibase;
  if(typeof publicKeyMultibase !== 'string' || typeof secretKeyMultibase !== 'string') {
    throw new UsageError(
      'the key file must hold publicKeyMultibase and secretKeyMultibase strings');
  }
  const did = didKeyOf(publicKeyMultibase);
  const id = verificationMethod ?? json.id ?? `${did}#${publicKeyMultibase}`;
  const controller = json.controller ?? (id.startsWith(did) ? did : id.split('#')[0]);
  return Ed25519Multikey.from({
    '@context': 'https://w3id.org/security/multikey/v1',
    type: 'Multikey',
    id,
    controller,
    publicKeyMultibase,
    secretKeyMultibase
  });
}

export function signingSuite({keyPair, created}) {
  return new DataIntegrityProof({
    signer: keyPair.signer(),
    date: created,
    cryptosuite: eddsaRdfc2022Cryptosuite
  });
}

export function verifyingSuite() {
  return new DataIntegrityProof({cryptosuite: eddsaRdfc2022Cryptosuite});
}

// One line naming every error in a (possibly nested) verification failure.
export function describeError(error) {
  if(!error) {
    return null;
  }
  const messages = [];
  const visit = e => {
    if(!e) {
      return;
    }
    if(Array.isArray(e)) {
      e.forEach(visit);
      return;
    }
    if(Array.isArray(e.errors) && e.errors.length > 0) {
      e.errors.forEach(visit);
      return;
    }
    const name = e.name && e.name !== 'Error' ? `${e.name}: ` : '';
    const details = e.details?.event?.code ? ` (${e.details.event.code})` : '';
    messages.push(`${name}${e.message ?? String(e)}${details}`);
  };
  visit(error);
  return [...new Set(messages)].join('; ');
}
