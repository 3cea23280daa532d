import { context, propagation, trace, SpanKind, SpanStatusCode, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { setTraceIdSource } from './logger';

/**
 * Traces (OpenTelemetry, the official @opentelemetry/* packages), exported by OTLP/HTTP to the
 * endpoint of the standard variables: `OTEL_EXPORTER_OTLP_ENDPOINT` (`http://collector:4318`;
 * traces go to `<it>/v1/traces`) or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (the full URL), plus
 * `OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_SERVICE_NAME` (default `huishang-<service>`) and
 * `OTEL_SDK_DISABLED=true`. With neither endpoint set tracing is off: the SDK is not even loaded,
 * and the API's no-op tracer costs a function call per span.
 *
 * One trace per request: the gateway's server span, @apollo/gateway's own plan/execute/fetch
 * spans, and for each subgraph request a `traceparent` (W3C) that the gateway signs with the
 * identity (schema/src/kit/identity.ts), so a subgraph continues the trace only from a parent the
 * gateway vouched for; in the subgraph a server span, its GraphQL execution and every SQL statement.
 */
export interface Tracing {
  enabled: boolean;
  /** Flushes spans still buffered (on shutdown). */
  shutdown(): Promise<void>;
}

let active: Tracing = { enabled: false, shutdown: async () => undefined };

export function tracingEndpoint(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if ((env.OTEL_SDK_DISABLED ?? '').toLowerCase() === 'true') return undefined;
  return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || undefined;
}

/** Starts tracing for this process when an OTLP endpoint is configured; idempotent. */
export function startTracing(service: string, env: NodeJS.ProcessEnv = process.env): Tracing {
  if (active.enabled || !tracingEndpoint(env)) return active;
  // Loaded only here, so a process without an endpoint never loads the SDK.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node');
  const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME || `huishang-${service}`, 'service.namespace': 'huishang' }),
    // The exporter reads the OTEL_EXPORTER_OTLP_* variables itself.
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter(), { scheduledDelayMillis: 1_000 })],
  });
  // Global tracer provider, AsyncLocalStorage context, W3C trace context propagator.
  provider.register();
  setTraceIdSource(currentTraceId);
  active = { enabled: true, shutdown: () => provider.shutdown() };
  return active;
}

export function tracingEnabled(): boolean {
  return active.enabled;
}

export function tracer(): Tracer {
  return trace.getTracer('huishang');
}

/** The active span's trace id (32 hex digits), or undefined outside a traced request. */
export function currentTraceId(): string | undefined {
  const span = trace.getActiveSpan();
  if (!span) return undefined;
  const { traceId, traceFlags } = span.spanContext();
  // A no-op span has the all-zero id.
  return /^0+$/.test(traceId) && !traceFlags ? undefined : traceId;
}

/** The W3C `traceparent` of the active context (what a request to another service carries), if tracing. */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** The context a `traceparent` continues (an invalid or absent one: a new trace). */
export function contextFromTraceparent(traceparent: string | undefined): Context {
  if (!traceparent) return context.active();
  return propagation.extract(context.active(), { traceparent });
}

/** Runs `work` inside a new span (server, internal or client), ending it with the outcome. */
export async function inSpan<T>(name: string, options: { kind?: SpanKind; parent?: Context; attributes?: Record<string, string | number | boolean> }, work: (span: Span) => Promise<T>): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    throw error;
  } finally {
    span.end();
  }
}

/** A span for something that already happened (a SQL statement the ORM reports after it ran). */
export function recordSpan(name: string, durationMs: number, attributes: Record<string, string | number | boolean>, kind = SpanKind.CLIENT): void {
  if (!trace.getActiveSpan()) return;
  const end = Date.now();
  tracer().startSpan(name, { kind, attributes, startTime: end - durationMs }).end(end);
}

export { SpanKind, SpanStatusCode };
