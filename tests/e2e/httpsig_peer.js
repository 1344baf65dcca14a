// The npm package http-message-signatures (tests/package.json) as an independent RFC 9421 peer
// of tessera, for tests/e2e/signed_orders_rfc9421.py: one process signs and verifies a whole batch.
//
// Reads one JSON object on stdin and writes one on stdout:
//   in:  {"sign":   [{"id", "private_key_pem", "alg", "keyid", "method", "url", "headers": {name: value},
//                     "fields": [...], "params": ["created", "keyid", "nonce", ...],
//                     "values": {"created": unix, "expires": unix, "nonce": "...", "alg": "..."}}],
//         "verify": [{"id", "public_key_pem", "alg", "keyid", "method", "url", "headers": {name: value},
//                     "required_fields": [...], "required_params": [...], "max_age": s, "tolerance": s}]}
//   out: {"signed":   [{"id", "headers": [[name, value], ...]} or {"id", "error"}],
//         "verified": [{"id", "ok": true | false, "error"?}]}
'use strict';
const crypto = require('crypto');
const { httpbis, createSigner, createVerifier } = require('http-message-signatures');

function dates(values) {
  const out = { ...values };
  for (const k of ['created', 'expires']) if (typeof out[k] === 'number') out[k] = new Date(out[k] * 1000);
  return out;
}

async function sign(item) {
  const key = crypto.createPrivateKey(item.private_key_pem);
  const signed = await httpbis.signMessage({
    key: createSigner(key, item.alg, item.keyid),
    fields: item.fields,
    params: item.params,
    paramValues: dates(item.values || {}),
    name: item.label,
  }, { method: item.method, url: item.url, headers: item.headers });
  return { id: item.id, headers: Object.entries(signed.headers) };
}

async function verify(item) {
  const verifier = createVerifier(crypto.createPublicKey(item.public_key_pem), item.alg);
  const ok = await httpbis.verifyMessage({
    keyLookup: async (params) => (params.keyid === item.keyid ? { id: item.keyid, algs: [item.alg], verify: verifier } : null),
    requiredFields: item.required_fields,
    requiredParams: item.required_params,
    maxAge: item.max_age,
    tolerance: item.tolerance,
  }, { method: item.method, url: item.url, headers: item.headers });
  return { id: item.id, ok: ok === true };
}

async function main() {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const out = { signed: [], verified: [] };
  for (const item of input.sign || []) {
    try {
      out.signed.push(await sign(item));
    } catch (e) {
      out.signed.push({ id: item.id, error: String(e && e.message || e) });
    }
  }
  for (const item of input.verify || []) {
    try {
      out.verified.push(await verify(item));
    } catch (e) {
      out.verified.push({ id: item.id, ok: false, error: String(e && e.message || e) });
    }
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack || e) + '\n');
  process.exit(1);
});
