/**
 * The two body forms of a signed identity (schema/src/kit/identity.ts): `sign` binds the exact
 * bytes (our gateway, Hive Gateway); `signCanonical` binds the body's RFC 8785 canonical JSON
 * (`bc: 1`, the Apollo Router coprocessor, which never sees the bytes the router writes).
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { IdentityRejected, IdentitySigner, IdentityVerifier } from '../src/kit/identity';

const keys = generateKeyPairSync('ed25519');
const signer = new IdentitySigner(keys.privateKey);
const verifier = () => new IdentityVerifier(keys.publicKey, 'finance');
const who = { clientId: 'cl_0123456789abcdef', department: 'energy', role: 'ANALYST' as const };
const body = { query: 'query Q($r:[_Any!]!){_entities(representations:$r){__typename}}', operationName: 'Q', variables: { r: [{ __typename: 'Region', code: '411002' }], amount: 12.0, name: '魏都区' } };

describe('signCanonical: any serialisation of the same JSON value verifies, another value does not', () => {
  it.each([
    ['compact', JSON.stringify(body)],
    ['indented, keys reordered', JSON.stringify({ variables: { name: '魏都区', amount: 12, r: body.variables.r }, operationName: 'Q', query: body.query }, null, 2)],
    ['12.0 and escaped non-ASCII, as another serialiser may write them', JSON.stringify(body).replace('"amount":12', '"amount":12.0').replace('魏都区', '\\u9b4f\\u90fd\\u533a')],
  ])('%s → the identity', async (_, bytes) => {
    await expect(verifier().verify(signer.signCanonical(who, 'finance', body), bytes)).resolves.toMatchObject({ clientId: who.clientId, department: 'energy', role: 'ANALYST' });
  });

  it('another value (one representation changed) → refused', async () => {
    const other = JSON.stringify({ ...body, variables: { ...body.variables, r: [{ __typename: 'Region', code: '411000' }] } });
    await expect(verifier().verify(signer.signCanonical(who, 'finance', body), other)).rejects.toThrow('another request body');
  });

  it('a body that is not JSON → refused', async () => {
    await expect(verifier().verify(signer.signCanonical(who, 'finance', body), '{not json')).rejects.toThrow(IdentityRejected);
  });

  it('sign (bytes) still binds the exact bytes: the same value written otherwise is refused', async () => {
    const header = signer.sign(who, 'finance', JSON.stringify(body));
    await expect(verifier().verify(header, JSON.stringify(body, null, 1))).rejects.toThrow('another request body');
  });

  it('an unknown body form (bc: 2) → refused, even correctly signed', async () => {
    const [encoded] = signer.signCanonical(who, 'finance', body).split('.');
    const payload = { ...JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')), bc: 2 };
    const reencoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
    const header = `${reencoded}.${sign(null, Buffer.from(reencoded), keys.privateKey).toString('base64url')}`;
    await expect(verifier().verify(header, JSON.stringify(body))).rejects.toThrow('body form');
  });
});
