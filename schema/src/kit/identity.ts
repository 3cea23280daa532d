import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import canonicalize from 'canonicalize';
import { MemoryNonceStore, nonceStore, type NonceStore } from './sharedState';
import type { ClientRole } from './roles';

/**
 * Who is asking, as the gateway vouches for it to a subgraph. The gateway authenticates the
 * client's credential and forwards only this, signed; a subgraph never sees the credential.
 */
export interface Identity {
  /** Client id (`cl_…`), as issued by `huishang clients add`. */
  clientId: string;
  /** Department the client belongs to: a subgraph name of the registry of departments. */
  department: string;
  role: ClientRole;
}

export { CLIENT_ROLES, type ClientRole } from './roles';

/** The header the gateway puts on every subgraph request: `<payload>.<signature>`, both base64url. */
export const IDENTITY_HEADER = 'x-huishang-identity';

/** How long a signature is good for. Short: it only has to cover one subgraph request. */
export const IDENTITY_TTL_MS = 30_000;
/** Clock difference between gateway and subgraph machines tolerated. */
const CLOCK_SKEW_MS = 5_000;

interface SignedPayload {
  v: 1;
  sub: string;
  dep: string;
  role: ClientRole;
  /** The subgraph it is for: a signature for one department is no good at another. */
  aud: string;
  iat: number;
  exp: number;
  /** Nonce: a subgraph accepts each once. */
  jti: string;
  /** SHA-256 of the request body: the signature cannot be moved to another query. */
  bh: string;
  /**
   * 1: `bh` is over the body's RFC 8785 canonical JSON (JCS), not its bytes. For a signer that does
   * not write the bytes itself (an Apollo Router coprocessor: the router serialises the subgraph
   * request after the coprocessor signs it, and may write `12.0` where JavaScript writes `12`).
   */
  bc?: 1;
  /** W3C traceparent of the gateway's span for this request (when tracing): the subgraph continues that trace and no other. */
  tp?: string;
}

export function bodyHash(body: string | Buffer): string {
  return createHash('sha256').update(body).digest('base64url');
}

/** SHA-256 of a JSON value's RFC 8785 canonical form (keys sorted, ECMAScript number formatting): the same for any serialisation of it. */
export function canonicalBodyHash(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('the body is not a JSON value');
  return bodyHash(text);
}

/** Signs identities for subgraph requests (the gateway holds the private key). */
export class IdentitySigner {
  constructor(private readonly key: KeyObject) {}

  /** `traceparent`: the W3C trace context sent with the request, signed with it (tracing.ts). */
  sign(identity: Identity, audience: string, body: string | Buffer, now = Date.now(), traceparent?: string): string {
    const payload: SignedPayload = {
      v: 1,
      sub: identity.clientId,
      dep: identity.department,
      role: identity.role,
      aud: audience,
      iat: now,
      exp: now + IDENTITY_TTL_MS,
      jti: randomBytes(12).toString('base64url'),
      bh: bodyHash(body),
      ...(traceparent ? { tp: traceparent } : {}),
    };
    return this.seal(payload);
  }

  /**
   * Like `sign`, for a signer that holds the request body as a JSON value and does not write the
   * bytes sent (an Apollo Router coprocessor at the SubgraphRequest stage): the signature covers
   * the body's canonical JSON (`bc: 1`), so any serialisation of the same value verifies.
   */
  signCanonical(identity: Identity, audience: string, body: unknown, now = Date.now(), traceparent?: string): string {
    const payload: SignedPayload = {
      v: 1,
      sub: identity.clientId,
      dep: identity.department,
      role: identity.role,
      aud: audience,
      iat: now,
      exp: now + IDENTITY_TTL_MS,
      jti: randomBytes(12).toString('base64url'),
      bh: canonicalBodyHash(body),
      bc: 1,
      ...(traceparent ? { tp: traceparent } : {}),
    };
    return this.seal(payload);
  }

  /** A secret derived from the signing key for `purpose` (e.g. sealing the answer cache's entries): only holders of the private key have it. */
  derivedSecret(purpose: string): Buffer {
    return createHash('sha256').update(this.key.export({ format: 'der', type: 'pkcs8' })).update('\0').update(purpose).digest();
  }

  private seal(payload: SignedPayload): string {
    const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${encoded}.${sign(null, Buffer.from(encoded), this.key).toString('base64url')}`;
  }
}

/** The hash a payload's `bh` must equal for this body: of its bytes, or (`bc: 1`) of its canonical JSON. */
function signedBodyHash(payload: SignedPayload, body: string | Buffer): string | null {
  if (payload.bc !== 1) return bodyHash(body);
  try {
    return canonicalBodyHash(JSON.parse(body.toString()));
  } catch {
    return null;
  }
}

export class IdentityRejected extends Error {
  readonly code = 'UNAUTHENTICATED';
}

/** The replay check could not be made (the shared nonce store is unreachable): refuse, but as unavailable, not unauthenticated. */
export class ReplayCheckUnavailable extends Error {
  readonly code = 'SERVICE_UNAVAILABLE';
}

/**
 * Checks the gateway's signature on a subgraph request: the key, the audience, the time window,
 * the body it was made for, and that its nonce has not been seen (a replay). Nonces are kept until
 * their signature expires, in the `NonceStore` given: Redis when `REDIS_URL` is set, so a
 * signature replayed to another replica of the subgraph is refused too; else this process's memory,
 * and then a signature made before the process started is refused as well (its use is unknown).
 */
export class IdentityVerifier {
  constructor(
    private readonly key: KeyObject,
    private readonly audience: string,
    private readonly nonces: NonceStore = new MemoryNonceStore(),
  ) {}

  /** The identity, with the signed `traceparent` when the gateway sent one. */
  async verify(header: string | string[] | undefined, body: string | Buffer, now = Date.now()): Promise<Identity & { traceparent?: string }> {
    if (typeof header !== 'string' || header.length === 0) {
      throw new IdentityRejected(`no ${IDENTITY_HEADER} header: this service answers only requests that come through the Huishang gateway`);
    }
    const [encoded, signature, extra] = header.split('.');
    if (!encoded || !signature || extra !== undefined) throw new IdentityRejected(`malformed ${IDENTITY_HEADER} header`);
    if (!verify(null, Buffer.from(encoded), this.key, Buffer.from(signature, 'base64url'))) {
      throw new IdentityRejected(`the ${IDENTITY_HEADER} signature is not the gateway's`);
    }
    const payload = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as SignedPayload;
    if (payload.v !== 1) throw new IdentityRejected(`unsupported ${IDENTITY_HEADER} version`);
    if (payload.aud !== this.audience) throw new IdentityRejected(`the signature is for the ${payload.aud} service, not ${this.audience}`);
    if (payload.exp <= now) throw new IdentityRejected('the signature has expired');
    if (payload.iat > now + CLOCK_SKEW_MS) throw new IdentityRejected('the signature is dated in the future');
    if (payload.bc !== undefined && payload.bc !== 1) throw new IdentityRejected(`unsupported ${IDENTITY_HEADER} body form`);
    if (payload.bh !== signedBodyHash(payload, body)) throw new IdentityRejected('the signature was made for another request body');
    // A signature older than what the nonce store remembers (this process started after it was made,
    // and there is no shared store) could be a replay the store cannot see: a tester replayed a captured
    // grant mutation to a subgraph restarted within the signature's 30 s. The gateway signs anew on a retry.
    if (payload.iat < this.nonces.remembersFrom) throw new IdentityRejected('the signature was made before this service started, so a replay of it cannot be ruled out: send the request again');
    let first: boolean;
    try {
      first = await this.nonces.claim(payload.jti, payload.exp, now);
    } catch (error) {
      throw new ReplayCheckUnavailable(`the replay check could not be made (${(error as Error).message}); try again`);
    }
    if (!first) throw new IdentityRejected('the signature was already used (replay)');
    return { clientId: payload.sub, department: payload.dep, role: payload.role, ...(typeof payload.tp === 'string' ? { traceparent: payload.tp } : {}) };
  }

  close(): Promise<void> {
    return this.nonces.close();
  }
}

/**
 * Production mode: `HUISHANG_MODE=production` or `NODE_ENV=production`. Then no demo data, no demo
 * grants, no demo clients, and the signing keys come only from the environment.
 */
export function productionMode(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.NODE_ENV === 'production' || env.HUISHANG_MODE === 'production';
}

/** A service refuses to start for a reason its operator fixes in the configuration: printed as one line, no stack trace. */
export class StartupRefused extends Error {}

/**
 * The gateway's Ed25519 key pair. Production sets `HUISHANG_GATEWAY_PRIVATE_KEY` (gateway) and
 * `HUISHANG_GATEWAY_PUBLIC_KEY` (subgraphs) as PEM text; the embedded default keeps them in
 * `<HUISHANG_KEYS_DIR or .huishang>/gateway-signing.pem` and `gateway-signing.pub.pem`, which
 * `npm start` creates on first run. Subgraphs get only the public key: they can check, never sign.
 */
export function keysDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.HUISHANG_KEYS_DIR ?? '.huishang');
}

const PRIVATE_FILE = 'gateway-signing.pem';
const PUBLIC_FILE = 'gateway-signing.pub.pem';

export function generateSigningKeys(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** Creates the embedded default key files when neither the environment nor the files have them. */
export function ensureSigningKeys(env: NodeJS.ProcessEnv = process.env): { created: boolean; dir: string } {
  const dir = keysDir(env);
  // Production writes no key files: the keys are the operator's, given in the environment.
  if (productionMode(env)) return { created: false, dir };
  if (env.HUISHANG_GATEWAY_PRIVATE_KEY || existsSync(join(dir, PRIVATE_FILE))) return { created: false, dir };
  mkdirSync(dir, { recursive: true });
  const keys = generateSigningKeys();
  writeFileSync(join(dir, PRIVATE_FILE), keys.privateKey, { mode: 0o600 });
  writeFileSync(join(dir, PUBLIC_FILE), keys.publicKey);
  return { created: true, dir };
}

function readKey(env: NodeJS.ProcessEnv, variable: string, file: string): string {
  const given = env[variable];
  if (given && given.trim()) return given.replace(/\\n/g, '\n');
  if (productionMode(env)) {
    throw new StartupRefused(`${variable} is not set: production mode (HUISHANG_MODE=production or NODE_ENV=production) takes the signing keys only from the environment, never from ${keysDir(env)}; set ${variable} to the PEM text`);
  }
  const path = join(keysDir(env), file);
  if (existsSync(path)) return readFileSync(path, 'utf8');
  throw new Error(`${variable} is not set and ${path} does not exist: run \`npm start\` once (it creates the key pair) or set ${variable}`);
}

export function gatewaySigner(env: NodeJS.ProcessEnv = process.env): IdentitySigner {
  return new IdentitySigner(createPrivateKey(readKey(env, 'HUISHANG_GATEWAY_PRIVATE_KEY', PRIVATE_FILE)));
}

/** The subgraph's verifier; its nonces are shared through Redis when `REDIS_URL` is set (see sharedState.ts). */
export function gatewayVerifier(audience: string, env: NodeJS.ProcessEnv = process.env): IdentityVerifier {
  return new IdentityVerifier(createPublicKey(readKey(env, 'HUISHANG_GATEWAY_PUBLIC_KEY', PUBLIC_FILE)), audience, nonceStore(audience, env));
}
