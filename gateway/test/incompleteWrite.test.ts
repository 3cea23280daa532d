import { incompleteWrite } from '../src/access/plugin';

// AUDIT_INCOMPLETE, field by field: what it says a clerk may rely on (a tester's reading of it).
describe('incompleteWrite', () => {
  it('says a made change was made, a refused one was not, and a dry run made nothing', () => {
    const error = incompleteWrite({
      data: { a: { submissionId: 7 }, b: null, c: { dryRun: true, created: 3 } },
      errors: [{ path: ['b'], extensions: { code: 'FORBIDDEN' } }],
    });
    expect(error.extensions).toMatchObject({ code: 'AUDIT_INCOMPLETE', answered: ['a', 'c'], failed: [{ field: 'b', codes: ['FORBIDDEN'] }] });
    expect(error.message).toMatch(/a answered: that change was made; c answered as a dry run: nothing was made; b \(FORBIDDEN\) did not answer/);
    // Sending again is safe only under an idempotency key; a grant or a problem is checked first.
    expect(error.message).toMatch(/a write with an idempotencyKey .* can be sent again under the same key.*check any other write \(a grant, a problem\)/);
  });

  it('says nothing was made when the whole operation failed before any field ran', () => {
    const error = incompleteWrite({ errors: [{ extensions: { code: 'SUBGRAPH_UNAVAILABLE' } }] });
    expect(error.extensions).toMatchObject({ answered: [], failed: [{ field: '(operation)', codes: ['SUBGRAPH_UNAVAILABLE'] }] });
    expect(error.message).not.toMatch(/was made/);
  });
});
