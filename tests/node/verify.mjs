// An independent verifier for Plaudit's credentials, run by the tests: Digital Bazaar's vc stack
// (eddsa-rdfc-2022 Data Integrity proofs, Bitstring Status List) and jose (VC-JOSE-COSE JWTs).
//
// Input (stdin, or the file named by the first argument), one JSON object:
//   {"credential": {...} | "<compact JWT>",
//    "documents": {"<url>": {...}},   // contexts, DID documents, status list credentials
//    "now": "2030-01-01T00:00:00Z"}   // optional
// Output (stdout), one JSON object: {"verified": true|false, "errors": ["..."]}.
//
// Nothing is ever fetched: the document loader serves only the given documents and did:key
// (resolved from the key itself). Exit code 0 whatever the outcome, 2 on unusable input.
import {readFileSync} from 'node:fs';

import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import * as didKey from '@digitalbazaar/did-method-key';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import {checkStatus as checkBitstringStatus} from '@digitalbazaar/vc-bitstring-status-list';
import * as jose from 'jose';

const didKeyDriver = didKey.driver();
didKeyDriver.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});

function offlineLoader(documents) {
  return async url => {
    if(Object.hasOwn(documents, url)) {
      return {contextUrl: null, documentUrl: url, document: documents[url]};
    }
    if(url.startsWith('did:key:')) {
      const document = await didKeyDriver.get({url});
      return {contextUrl: null, documentUrl: url, document};
    }
    const [did, fragment] = url.split('#');
    if(url.startsWith('did:') && fragment !== undefined &&
      Object.hasOwn(documents, did)) {
      const didDocument = documents[did];
      const method = (didDocument.verificationMethod || []).find(
        vm => vm.id === url || vm.id === `#${fragment}`);
      if(method) {
        const document = {
          '@context': 'https://w3id.org/security/multikey/v1',
          ...method,
          id: url,
          controller: method.controller || did,
        };
        return {contextUrl: null, documentUrl: url, document};
      }
    }
    throw new Error(`not available offline: ${url}`);
  };
}

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});

// The status library reports a set bit as a successful check with `status: true`; for a
// verifier a set revocation or suspension bit means the credential is not valid.
async function checkStatus(options) {
  const result = await checkBitstringStatus(options);
  if(!result.verified) {
    return result;
  }
  const set = result.results.filter(r => r.status);
  if(set.length) {
    const purposes = set.map(r => r.credentialStatus.statusPurpose).join(', ');
    return {verified: false, error: new Error(`status bit set: ${purposes}`), results: result.results};
  }
  return result;
}

function errorMessages(result) {
  const messages = [];
  const collect = error => {
    if(!error) {
      return;
    }
    if(Array.isArray(error)) {
      error.forEach(collect);
      return;
    }
    messages.push(error.message || String(error));
    if(error.errors) {
      collect(error.errors);
    }
    if(error.cause) {
      collect(error.cause);
    }
  };
  collect(result.error);
  for(const r of result.results || []) {
    if(!r.verified) {
      collect(r.error);
    }
  }
  if(result.statusResult && !result.statusResult.verified) {
    collect(result.statusResult.error);
  }
  return messages.length ? [...new Set(messages)] : ['not verified'];
}

async function verifyDataIntegrity(credential, documentLoader, now) {
  const result = await vc.verifyCredential({credential, suite, documentLoader, checkStatus, now});
  return {verified: result.verified, errors: result.verified ? [] : errorMessages(result)};
}

function issuerId(credential) {
  return typeof credential.issuer === 'object' ? credential.issuer.id : credential.issuer;
}

function checkDates(credential, now) {
  const errors = [];
  if(credential.validFrom && new Date(credential.validFrom) > now) {
    errors.push(`not valid before validFrom (${credential.validFrom})`);
  }
  if(credential.validUntil && new Date(credential.validUntil) < now) {
    errors.push(`expired: validUntil (${credential.validUntil}) has passed`);
  }
  return errors;
}

async function verifyJwt(token, documentLoader, now) {
  const header = jose.decodeProtectedHeader(token);
  if(header.alg !== 'EdDSA') {
    return {verified: false, errors: [`unsupported alg ${header.alg}`]};
  }
  if(!header.kid) {
    return {verified: false, errors: ['no kid in the JOSE header']};
  }
  const {document: method} = await documentLoader(header.kid);
  const keyPair = await Ed25519Multikey.from(method);
  const jwk = await Ed25519Multikey.toJwk({keyPair});
  const key = await jose.importJWK({...jwk, alg: 'EdDSA'}, 'EdDSA');
  const {payload} = await jose.jwtVerify(token, key, {currentDate: now, clockTolerance: 300});
  const credential = payload.vc ?? payload;
  const errors = [];
  const issuer = issuerId(credential);
  if(header.kid.split('#')[0] !== issuer) {
    errors.push(`kid ${header.kid} is not a key of the issuer ${issuer}`);
  }
  if(payload.iss !== undefined && payload.iss !== issuer) {
    errors.push(`iss ${payload.iss} is not the issuer ${issuer}`);
  }
  errors.push(...checkDates(credential, now));
  if(credential.credentialStatus) {
    const status = await checkStatus({credential, suite, documentLoader});
    if(!status.verified) {
      errors.push(...errorMessages(status));
    }
  }
  return {verified: errors.length === 0, errors};
}

async function main() {
  const input = JSON.parse(readFileSync(process.argv[2] || 0, 'utf8'));
  const documentLoader = offlineLoader(input.documents || {});
  const now = input.now ? new Date(input.now) : new Date();
  let outcome;
  try {
    if(typeof input.credential === 'string') {
      outcome = await verifyJwt(input.credential.trim(), documentLoader, now);
    } else {
      outcome = await verifyDataIntegrity(input.credential, documentLoader, now);
    }
  } catch(error) {
    outcome = {verified: false, errors: [error.message || String(error)]};
  }
  process.stdout.write(JSON.stringify(outcome) + '\n');
}

main().catch(error => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(2);
});
