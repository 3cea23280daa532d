/**
 * Declared permissions for every write (issue 12): each mutation of the composed supergraph
 * carries the write rule it was declared with (`@Writes` → type-graphql's `@Authorized`, visible
 * as `@tag(name: "authorized:<rule>")`), and a subgraph with an undeclared mutation does not build
 * (default deny). Who may call what is judged through the gateway in issue12.test.ts.
 */
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, Kind, type ObjectTypeDefinitionNode, type ObjectTypeExtensionNode, type StringValueNode } from 'graphql';
import { Arg, Mutation, Query, Resolver } from 'type-graphql';
import { buildFederatedSchema, WriteRule, Writes } from '@huishang/schema';

const RULES = new Set<string>(Object.values(WriteRule));

function supergraphMutations(): { name: string; rules: string[] }[] {
  const document = parse(readFileSync(join(__dirname, '..', '..', 'schema', 'supergraph.graphql'), 'utf8'));
  return document.definitions
    .filter((d): d is ObjectTypeDefinitionNode | ObjectTypeExtensionNode => (d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION) && d.name.value === 'Mutation')
    .flatMap((d) => d.fields ?? [])
    .map((field) => ({
      name: field.name.value,
      rules: (field.directives ?? [])
        .filter((directive) => directive.name.value === 'tag')
        .map((directive) => (directive.arguments?.find((a) => a.name.value === 'name')?.value as StringValueNode | undefined)?.value ?? '')
        .filter((tag) => tag.startsWith('authorized:'))
        .map((tag) => tag.slice('authorized:'.length)),
    }));
}

it('every mutation of the composed supergraph declares who may call it, with a known rule', () => {
  const mutations = supergraphMutations();
  // 5 departments × (submit, grant, revoke) + the problem list's two.
  expect(mutations.length).toBeGreaterThanOrEqual(17);
  const undeclared = mutations.filter((m) => m.rules.length !== 1 || !RULES.has(m.rules[0])).map((m) => `${m.name}: ${JSON.stringify(m.rules)}`);
  expect(undeclared).toEqual([]);
  console.log(`writes: ${mutations.length} mutations of the supergraph, each declared`);
});

it('default deny: a subgraph with a mutation that declares nothing does not build', async () => {
  @Resolver()
  class Undeclared {
    @Query(() => String)
    ping(): string {
      return 'pong';
    }

    @Mutation(() => String)
    forgetful(@Arg('value') value: string): string {
      return value;
    }
  }
  await expect(buildFederatedSchema({ resolvers: [Undeclared] })).rejects.toThrow(/forgetful/);

  @Resolver()
  class Declared {
    @Query(() => String)
    ping2(): string {
      return 'pong';
    }

    @Writes(WriteRule.OWNER)
    @Mutation(() => String)
    remembered(@Arg('value') value: string): string {
      return value;
    }
  }
  const built = await buildFederatedSchema({ resolvers: [Declared] });
  expect(built.sdl).toMatch(/remembered\(value: String!\): String! @tag\(name: "authorized:OWNER"\)/);
});
