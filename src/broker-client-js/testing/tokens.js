// HS256 JWTs for the tests, signed with node:crypto (the broker verifies them with Microsoft.IdentityModel).
// Lives outside test/ so `node --test test/` does not count it as a test file.
import { createHmac } from 'node:crypto';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const SECRET = 'js-client-tests-hmac-secret-0123456789abcdef';

const base64url = (value) => Buffer.from(value).toString('base64url');

/** A token for `sub` valid for `lifetimeMs`. */
export function token(sub, lifetimeMs) {
  const exp = Math.floor((Date.now() + lifetimeMs) / 1000);
  const input = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify({ sub, exp }))}`;
  return `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`;
}

/**
 * A --config file for a broker that denies anonymous connections and verifies SECRET, with no clock skew and a fast
 * heartbeat tick (a quarter of 1 s) so expiry is enforced within the tests' time.
 */
export function authConfigFile() {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'broker-js-auth-')), 'auth.hocon');
  writeFileSync(file, `broker.auth { anonymous = deny, jwt { hmac-secret = "${SECRET}", clock-skew-seconds = 0 } }
broker.websocket { ping-interval = 1s, idle-timeout = 8s }
`);
  return file;
}
