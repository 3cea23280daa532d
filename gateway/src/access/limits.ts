import { getOperationAST, Kind, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema, type ValidationRule } from 'graphql';
import { maxQueryDepth } from '../config';
import { aliasLimitRule, costDirectives, costError, operationCost, readProtectionConfig, rootFieldLimitRule, type CostDirectives } from '../protection';
import { readSupergraph } from '../supergraph';
import { depthLimitRule } from '../validation';

/**
 * Our gateway's limits on what one operation may ask (gateway/src/protection.ts, validation.ts),
 * packaged for another gateway serving the same supergraph (the Hive Gateway plugin): the same
 * environment variables (MAX_QUERY_DEPTH, MAX_QUERY_ALIASES, MAX_ROOT_FIELDS, MAX_QUERY_COST,
 * MAX_QUERY_TOKENS), the same code, the same QUERY_TOO_COMPLEX errors.
 */
export interface OperationLimits {
  /** Validation rules: depth, aliases, root fields (each reports QUERY_TOO_COMPLEX). */
  validationRules: ValidationRule[];
  /** graphql's parse option: a document over it fails to parse (GRAPHQL_PARSE_FAILED). */
  maxTokens: number;
  /**
   * The cost limit, which needs the request's variables: throws the QUERY_TOO_COMPLEX GraphQLError
   * (HTTP 400) our gateway answers when the operation's estimated cost (`operationCost`, from the
   * supergraph's @listSize/@cost) is over MAX_QUERY_COST. `schema`: the API schema executed.
   */
  checkCost(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown> | undefined): void;
}

/** `supergraphSdl`: whose @listSize/@cost directives size the cost (default the supergraph our gateway reads, SUPERGRAPH_PATH). */
export function operationLimits(env: NodeJS.ProcessEnv = process.env, supergraphSdl?: string): OperationLimits {
  const protection = readProtectionConfig(env);
  const directives: CostDirectives = costDirectives(supergraphSdl ?? readSupergraph(env).sdl);
  return {
    validationRules: [depthLimitRule(maxQueryDepth(env)), aliasLimitRule(protection.maxAliases), rootFieldLimitRule(protection.maxRootFields)],
    maxTokens: protection.maxTokens,
    checkCost(schema, document, operationName, variables) {
      const operation = getOperationAST(document, operationName ?? undefined);
      if (!operation) return;
      const fragments = new Map<string, FragmentDefinitionNode>();
      for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
      const actual = operationCost(schema, operation, (name) => fragments.get(name), directives, variables);
      if (actual > protection.maxCost) throw costError(operation, actual, protection.maxCost);
    },
  };
}
