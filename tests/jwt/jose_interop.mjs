// The panva/jose half of tests/jwt/jose_interop.test.cpp: one JSON request on stdin, one JSON
// answer on stdout, so that the whole interop run costs a single Node start.
//
// Request:
//   algs             JWS algorithms to exercise ("HS256", ..., "EdDSA")
//   payload          base64url of the payload bytes (base64url-encoded payload, RFC 7515)
//   unencoded        base64url of the payload bytes signed unencoded (RFC 7797 "b64": false)
//   tessera_jwks     the JWKS tessera exported (public keys)
//   tessera_secrets  tessera's HMAC keys as oct JWKs (never part of a published JWKS)
//   objects          JWS objects tessera signed: {id, alg, form, mode, jws}, where form is
//                    compact | flattened | general and mode is attached | detached | unencoded |
//                    tampered; alg "*" marks a general JWS carrying one signature per algorithm,
//                    which jose verifies holding only the key named by "only_kid"
// Answer:
//   jose_jwks        jose's public keys as a JWKS (exportJWK, with kid, alg and use)
//   jose_secrets     jose's HMAC keys as oct JWKs
//   signed           JWS objects jose signed, in the same {id, alg, form, mode, jws} shape; detached
//                    and unencoded ones carry no payload (the verifier supplies it)
//   verified         one entry per request object: {id, ok, error, payload, alg, kid}
//   thumbprints      RFC 7638 thumbprint of each of tessera's JWKs, by kid

import {
  CompactSign,
  FlattenedSign,
  GeneralSign,
  base64url,
  calculateJwkThumbprint,
  compactVerify,
  createLocalJWKSet,
  exportJWK,
  flattenedVerify,
  generalVerify,
  generateKeyPair,
  generateSecret,
  importJWK,
} from 'jose';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'key_ops', 'ext', 'alg'];

function publicOf(jwk) {
  const pub = { ...jwk };
  for (const m of PRIVATE_MEMBERS) delete pub[m];
  return pub;
}

function withoutUsage(jwk) {
  const out = { ...jwk };
  for (const m of ['key_ops', 'ext', 'alg']) delete out[m];
  return out;
}

async function readStdin() {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

// jose's keys: one RSA pair shared by the six RSA algorithms (as tessera's fixtures do), one EC
// pair per curve, one Ed25519 pair, one secret per HMAC algorithm.
async function makeKeys(algs) {
  const keys = new Map(); // alg -> {priv, publicJwk | secretJwk}
  let rsa;
  for (const alg of algs) {
    const kid = `jose-${alg}`;
    if (alg.startsWith('HS')) {
      const secret = await generateSecret(alg, { extractable: true });
      const jwk = { ...withoutUsage(await exportJWK(secret)), kid, alg };
      keys.set(alg, { priv: await importJWK(jwk, alg), secretJwk: jwk });
      continue;
    }
    let privateJwk;
    if (alg.startsWith('RS') || alg.startsWith('PS')) {
      if (!rsa) rsa = withoutUsage(await exportJWK((await generateKeyPair('RS256', { extractable: true })).privateKey));
      privateJwk = rsa;
    } else {
      privateJwk = withoutUsage(await exportJWK((await generateKeyPair(alg, { extractable: true })).privateKey));
    }
    keys.set(alg, {
      priv: await importJWK(privateJwk, alg),
      publicJwk: { ...publicOf(privateJwk), kid, alg, use: 'sig' },
    });
  }
  return keys;
}

function tamper(compact) {
  const [h, p, s] = compact.split('.');
  return [h, (p[0] === 'A' ? 'B' : 'A') + p.slice(1), s].join('.');
}

async function signAll(algs, keys, payload, unencoded) {
  const out = [];
  const add = (alg, form, mode, jws) => out.push({ id: `jose/${alg}/${form}/${mode}`, alg, form, mode, jws });
  for (const alg of algs) {
    const { priv } = keys.get(alg);
    const kid = `jose-${alg}`;
    const unencodedHeader = { alg, kid, b64: false, crit: ['b64'] };

    const compact = await new CompactSign(payload).setProtectedHeader({ alg, kid }).sign(priv);
    add(alg, 'compact', 'attached', compact);
    const [h, , s] = compact.split('.');
    add(alg, 'compact', 'detached', `${h}..${s}`);
    const u = await new FlattenedSign(unencoded).setProtectedHeader(unencodedHeader).sign(priv);
    add(alg, 'compact', 'unencoded', `${u.protected}..${u.signature}`);
    add(alg, 'compact', 'tampered', tamper(compact));

    // Flattened: kid in the unprotected header, as in RFC 7520 section 4.6.
    add(alg, 'flattened', 'attached',
        await new FlattenedSign(payload).setProtectedHeader({ alg }).setUnprotectedHeader({ kid }).sign(priv));
    const fd = await new FlattenedSign(payload).setProtectedHeader({ alg, kid }).sign(priv);
    delete fd.payload;
    add(alg, 'flattened', 'detached', fd);
    delete u.payload;
    add(alg, 'flattened', 'unencoded', u);

    const g = new GeneralSign(payload);
    g.addSignature(priv).setProtectedHeader({ alg, kid });
    add(alg, 'general', 'attached', await g.sign());
    const gd = new GeneralSign(payload);
    gd.addSignature(priv).setProtectedHeader({ alg, kid });
    const gdj = await gd.sign();
    delete gdj.payload;
    add(alg, 'general', 'detached', gdj);
    const gu = new GeneralSign(unencoded);
    gu.addSignature(priv).setProtectedHeader(unencodedHeader);
    const guj = await gu.sign();
    delete guj.payload;
    add(alg, 'general', 'unencoded', guj);
  }
  // One general JWS with a signature per algorithm: alg protected, kid unprotected.
  const multi = new GeneralSign(payload);
  for (const alg of algs) {
    multi.addSignature(keys.get(alg).priv).setProtectedHeader({ alg }).setUnprotectedHeader({ kid: `jose-${alg}` });
  }
  add('*', 'general', 'attached', await multi.sign());
  return out;
}

// A key resolver over tessera's exported JWKS and its HMAC secrets, as jose's verify functions take.
async function tesseraKeys(jwks, secrets, onlyKid) {
  const set = createLocalJWKSet(onlyKid ? { keys: jwks.keys.filter((k) => k.kid === onlyKid) } : jwks);
  const hmac = new Map();
  for (const jwk of secrets.keys) if (!onlyKid || jwk.kid === onlyKid) hmac.set(jwk.kid, await importJWK(jwk, jwk.alg));
  return async (protectedHeader, token) => {
    const { alg, kid } = { ...protectedHeader, ...token?.header };
    if (typeof alg === 'string' && alg.startsWith('HS')) {
      const k = hmac.get(kid);
      if (!k) throw new Error(`no HMAC key ${kid}`);
      return k;
    }
    return set(protectedHeader, token);
  };
}

async function verifyOne(o, payload, unencoded, resolve) {
  const options = o.alg === '*' ? undefined : { algorithms: [o.alg] };
  const payloadB64 = base64url.encode(payload);
  if (o.form === 'compact') {
    const [h, p, s] = o.jws.split('.');
    if (o.mode === 'detached') return compactVerify(`${h}.${payloadB64}.${s}`, resolve, options);
    if (o.mode === 'unencoded') {
      return flattenedVerify({ protected: h, payload: unencoded, signature: s }, resolve, options);
    }
    return compactVerify(o.jws, resolve, options);
  }
  const jws = { ...o.jws };
  if (o.mode === 'detached') jws.payload = payloadB64;
  if (o.mode === 'unencoded') jws.payload = unencoded;
  return o.form === 'flattened' ? flattenedVerify(jws, resolve, options) : generalVerify(jws, resolve, options);
}

async function main() {
  const req = await readStdin();
  const payload = base64url.decode(req.payload);
  const unencoded = base64url.decode(req.unencoded);

  const keys = await makeKeys(req.algs);
  const jose_jwks = { keys: [] };
  const jose_secrets = { keys: [] };
  for (const alg of req.algs) {
    const k = keys.get(alg);
    if (k.secretJwk) jose_secrets.keys.push(k.secretJwk);
    else jose_jwks.keys.push(k.publicJwk);
  }
  const signed = await signAll(req.algs, keys, payload, unencoded);

  const resolveAll = await tesseraKeys(req.tessera_jwks, req.tessera_secrets);
  const verified = [];
  for (const o of req.objects) {
    try {
      const resolve = o.only_kid ? await tesseraKeys(req.tessera_jwks, req.tessera_secrets, o.only_kid) : resolveAll;
      const r = await verifyOne(o, payload, unencoded, resolve);
      const header = { ...r.protectedHeader, ...r.unprotectedHeader };
      verified.push({ id: o.id, ok: true, payload: base64url.encode(r.payload), alg: header.alg, kid: header.kid });
    } catch (e) {
      verified.push({ id: o.id, ok: false, error: e.code || e.name || String(e) });
    }
  }

  const thumbprints = {};
  for (const jwk of req.tessera_jwks.keys) thumbprints[jwk.kid] = await calculateJwkThumbprint(jwk);

  process.stdout.write(JSON.stringify({ jose_jwks, jose_secrets, signed, verified, thumbprints }));
}

main().catch((e) => {
  process.stderr.write(`jose_interop: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
