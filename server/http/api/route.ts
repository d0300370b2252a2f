/**
 * defineRoute: one REST route from zod schemas (common/api). zod validates; the same schemas, converted to
 * JSON Schema, document the route in OpenAPI. Fastify's own ajv validation is switched off in the API scope.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { VigieError } from '../../../common/errors.js';

interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType> {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  summary: string;
  tags: string[];
  params?: P;
  query?: Q;
  body?: B;
  reply?: R;
  /** Raw replies (file downloads) are documented by their content type only. */
  produces?: string;
}

const toJson = (s: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(s, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as Record<string, unknown>;

function parseWith<T extends z.ZodType>(schema: T | undefined, value: unknown, where: string): z.infer<T> {
  if (!schema) return undefined as z.infer<T>;
  const r = schema.safeParse(value ?? {});
  if (!r.success) {
    const issues = r.error.issues.map((i) => ({ path: `${where}.${i.path.join('.')}`, message: i.message }));
    throw new VigieError('API_BAD_REQUEST', `invalid ${where}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { details: { issues } });
  }
  return r.data;
}

export function defineRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType>(
  app: FastifyInstance,
  spec: RouteSpec<P, Q, B, R>,
  handler: (input: { params: z.infer<P>; query: z.infer<Q>; body: z.infer<B> }, req: FastifyRequest, reply: FastifyReply) => Promise<z.input<R> | FastifyReply>,
): void {
  const schema: Record<string, unknown> = { summary: spec.summary, tags: spec.tags, security: [{ bearer: [] }] };
  if (spec.params) schema.params = toJson(spec.params, 'input');
  if (spec.query) schema.querystring = toJson(spec.query, 'input');
  if (spec.body) schema.body = toJson(spec.body, 'input');
  if (spec.reply) schema.response = { 200: toJson(spec.reply, 'output') };
  if (spec.produces) schema.produces = [spec.produces];
  app.route({
    method: spec.method,
    url: spec.url,
    schema,
    handler: async (req, reply) => {
      const input = {
        params: parseWith(spec.params, req.params, 'path'),
        query: parseWith(spec.query, req.query, 'query'),
        body: parseWith(spec.body, req.body, 'body'),
      };
      return handler(input, req, reply);
    },
  });
}
