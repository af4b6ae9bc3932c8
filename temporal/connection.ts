/**
 * Where the Temporal server is. The standard environment variables and config profile decide
 * (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*, TEMPORAL_PROFILE, read by
 * @temporalio/envconfig), so the same code runs against the embedded dev server, a self-hosted
 * cluster or Temporal Cloud.
 */
import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection } from '@temporalio/worker';
import { dataConverterFromEnvironment } from './payload-codec';

export interface TemporalTarget {
  address: string;
  namespace: string;
  /** Everything else envconfig found (TLS, API key, gRPC metadata). */
  connectionOptions: ReturnType<typeof loadClientConnectConfig>['connectionOptions'];
}

/** The target from the environment, or undefined when TEMPORAL_ADDRESS (or a profile) names none. */
export function targetFromEnvironment(env: NodeJS.ProcessEnv = process.env): TemporalTarget | undefined {
  const config = loadClientConnectConfig({ overrideEnvVars: env as Record<string, string> });
  const address = config.connectionOptions.address;
  if (!address) return undefined;
  return { address, namespace: config.namespace ?? 'default', connectionOptions: config.connectionOptions };
}

/** A target for a plain local address (the embedded dev server). */
export function localTarget(address: string, namespace = 'default'): TemporalTarget {
  return { address, namespace, connectionOptions: { address } };
}

/** A client; payloads are encrypted when RG_PAYLOAD_KEY is set (see payload-codec.ts). */
export async function connectClient(target: TemporalTarget): Promise<Client> {
  const connection = await Connection.connect(target.connectionOptions);
  return new Client({ connection, namespace: target.namespace, dataConverter: dataConverterFromEnvironment() });
}

export async function connectWorkerConnection(target: TemporalTarget): Promise<NativeConnection> {
  return NativeConnection.connect(target.connectionOptions);
}
