/**
 * A local NBIA-compatible server (REST API v4 subset) for tests, benchmarks and the demo
 * (`npm run demo -- --source tcia`). node:http on 127.0.0.1, on a free port.
 *
 * Endpoints (under `<baseUrl>/`): getCollectionValues, getPatient, getPatientStudy, getSeries,
 * getSeriesSize, getSOPInstanceUIDs, NewPatientsInCollection, getImage. It answers as NBIA does:
 * JSON arrays with NBIA's field names; an empty 200 body when nothing matches (also for unknown
 * collections); 400 with a text body for an unknown parameter, a missing required one, or a
 * getImage of a series it does not hold or the caller may not access; getImage as a streamed ZIP.
 *
 * Runtime knobs: `faults` (./faults: 500 outages, truncated ZIPs, dropped connections, slow
 * answers, wrong MD5s, missing files, unsafe entry names), `modes.legacyFields` (older field
 * names, ./rows), `modes.requiredToken` (answer 401 without `Authorization: Bearer <token>`).
 * Every request is logged in `requests`.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CollectionSpecSchema,
  indexSeries,
  type CollectionSpec,
  type CollectionSpecInput,
  type ServedSeries,
} from './collection-spec';
import { FaultRegistry } from './faults';
import { applyRename, buildImageZip } from './image-zip';
import { collectionRows, patientRow, seriesRow, seriesSizeRow, sopInstanceRows, studyRows, type Row } from './rows';

/** The path under which the endpoints live, as on services.cancerimagingarchive.net. */
export const LOCAL_NBIA_BASE_PATH = '/nbia-api/services/v4';

export interface LocalNbiaServerOptions {
  /** Port on 127.0.0.1; default: a free one chosen by the OS. */
  port?: number;
  /** Answer with legacy field names (see ./rows). Changeable later through `modes`. */
  legacyFields?: boolean;
  /** Require `Authorization: Bearer <requiredToken>`. Changeable later through `modes`. */
  requiredToken?: string;
  /** Deflate ZIP entries, as NBIA does. Default true (false is faster for big benchmarks). */
  compressZip?: boolean;
}

export interface RequestLogEntry {
  endpoint: string;
  params: Record<string, string>;
  status: number;
  /** Whether an Authorization header came with the request. */
  withToken: boolean;
  /** The fault that changed the answer, if any. */
  fault?: string;
}

export interface LocalNbiaServer {
  /** e.g. http://127.0.0.1:41234/nbia-api/services/v4 */
  baseUrl: string;
  faults: FaultRegistry;
  modes: { legacyFields: boolean; requiredToken: string | undefined };
  /** Every request so far, in order of answer. */
  requests: RequestLogEntry[];
  /** How many logged requests went to `endpoint` (and, when given, were about this series). */
  countRequests(endpoint: string, seriesInstanceUid?: string): number;
  stop(): Promise<void>;
}

/** An answer the router decided on. */
type Answer =
  | { kind: 'json'; rows: Row[] }
  | { kind: 'text'; status: number; text: string }
  | { kind: 'zip'; served: ServedSeries; includeMd5: boolean; newFileNames: boolean };

/** Parameters each endpoint accepts (anything else is a 400, as in NBIA v4). */
const ALLOWED_PARAMS: Record<string, string[]> = {
  getCollectionValues: ['format'],
  getPatient: ['Collection', 'PatientId', 'format'],
  getPatientStudy: ['Collection', 'PatientID', 'StudyInstanceUID', 'format'],
  getSeries: ['Collection', 'PatientID', 'StudyInstanceUID', 'SeriesInstanceUID', 'Modality', 'BodyPartExamined', 'Manufacturer', 'ManufacturerModelName', 'format'],
  getSeriesSize: ['SeriesInstanceUID', 'format'],
  getSOPInstanceUIDs: ['SeriesInstanceUID', 'format'],
  NewPatientsInCollection: ['Collection', 'fromDate', 'format'],
  getImage: ['SeriesInstanceUID', 'NewFileNames', 'IncludeMD5'],
};

/** Start serving the collections; resolves once listening. */
export async function startLocalNbiaServer(
  spec: CollectionSpecInput | CollectionSpecInput[],
  options: LocalNbiaServerOptions = {},
): Promise<LocalNbiaServer> {
  const collections = (Array.isArray(spec) ? spec : [spec]).map((one) => CollectionSpecSchema.parse(one));
  const seriesIndex = await indexSeries(collections);
  const faults = new FaultRegistry();
  const modes = { legacyFields: options.legacyFields ?? false, requiredToken: options.requiredToken };
  const requests: RequestLogEntry[] = [];
  const compress = options.compressZip ?? true;

  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.destroy());
  });

  /** Answer one request (auth, faults, routing), and log it. */
  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const endpoint = url.pathname.startsWith(`${LOCAL_NBIA_BASE_PATH}/`) ? url.pathname.slice(LOCAL_NBIA_BASE_PATH.length + 1) : url.pathname;
    const params = Object.fromEntries(url.searchParams);
    const entry: RequestLogEntry = { endpoint, params, status: 0, withToken: request.headers.authorization !== undefined };
    requests.push(entry);
    const seriesUid = params.SeriesInstanceUID;

    const delayMs = faults.delayFor(seriesUid);
    if (delayMs > 0) {
      entry.fault = 'delay';
      await sleep(delayMs);
    }
    if (modes.requiredToken !== undefined && request.headers.authorization !== `Bearer ${modes.requiredToken}`) {
      return sendText(response, entry, 401, 'Unauthorized: a valid bearer token is required');
    }
    if (faults.take(seriesUid, 'status500')) {
      entry.fault = 'status500';
      return sendText(response, entry, 500, 'Server was not able to process your request');
    }
    const answer = route(endpoint, params);
    if (answer.kind === 'text') return sendText(response, entry, answer.status, answer.text);
    if (answer.kind === 'json') {
      entry.status = 200;
      if (answer.rows.length === 0) {
        response.writeHead(200).end(); // NBIA: no results is an empty 200 body
      } else {
        response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer.rows));
      }
      return;
    }
    await sendZip(response, entry, answer.served, answer.includeMd5, answer.newFileNames);
  }

  /** Decide the answer to a request from its endpoint and parameters. */
  function route(endpoint: string, params: Record<string, string>): Answer {
    const allowed = ALLOWED_PARAMS[endpoint];
    if (!allowed) return { kind: 'text', status: 404, text: `Not found: ${endpoint}` };
    const allowedHere = modes.legacyFields && endpoint === 'NewPatientsInCollection' ? [...allowed, 'Date'] : allowed;
    const unknown = Object.keys(params).find((name) => !allowedHere.includes(name));
    if (unknown !== undefined) {
      return { kind: 'text', status: 400, text: `Invalid query parameter: '${unknown}'. Allowed parameters are: [${allowedHere.join(', ')}]` };
    }
    if (params.format !== undefined && params.format.toLowerCase() !== 'json') {
      return { kind: 'text', status: 400, text: `format=${params.format} is not supported by the local NBIA server (json only)` };
    }
    const served = params.SeriesInstanceUID !== undefined ? seriesIndex.get(params.SeriesInstanceUID) : undefined;
    const inCollection = (name: string | undefined) => collections.filter((c) => name === undefined || c.collection === name);
    switch (endpoint) {
      case 'getCollectionValues':
        return json(collectionRows(collections));
      case 'getPatient':
        return json(
          inCollection(params.Collection).flatMap((c) =>
            c.patients.filter((p) => params.PatientId === undefined || p.patientId === params.PatientId).map((p) => patientRow(c.collection, p)),
          ),
        );
      case 'getPatientStudy':
        return json(inCollection(params.Collection).flatMap((c) => studyRows(c, params.PatientID, params.StudyInstanceUID)));
      case 'getSeries':
        return json([...seriesIndex.values()].filter((s) => seriesMatches(s, params)).map((s) => seriesRow(s, modes.legacyFields)));
      case 'getSeriesSize':
        if (params.SeriesInstanceUID === undefined) return requiredParam('SeriesInstanceUID is');
        return json(served ? [seriesSizeRow(served, modes.legacyFields)] : []);
      case 'getSOPInstanceUIDs':
        if (params.SeriesInstanceUID === undefined) return requiredParam('SeriesInstanceUID is');
        return json(served ? sopInstanceRows(served, modes.legacyFields) : []);
      case 'NewPatientsInCollection':
        return newPatients(params);
      case 'getImage':
        if (params.SeriesInstanceUID === undefined) return requiredParam('SeriesInstanceUID, is');
        if (!served) {
          return {
            kind: 'text',
            status: 400,
            text: `The user has not been granted the access to image with given SeriesInstanceUID,${params.SeriesInstanceUID}. Please contact System Admin to resolve this issue.`,
          };
        }
        return {
          kind: 'zip',
          served,
          includeMd5: params.IncludeMD5?.toLowerCase() === 'yes',
          newFileNames: params.NewFileNames?.toLowerCase() === 'yes',
        };
      default:
        return { kind: 'text', status: 404, text: `Not found: ${endpoint}` };
    }
  }

  /** NewPatientsInCollection: fromDate is MM-DD-YYYY (v4); legacy mode also takes Date=YYYY/MM/DD (v1). */
  function newPatients(params: Record<string, string>): Answer {
    const day = params.fromDate !== undefined ? fromNbiaDate(params.fromDate) : params.Date !== undefined ? fromLegacyDate(params.Date) : undefined;
    if (params.Collection === undefined || (params.fromDate === undefined && params.Date === undefined)) {
      return requiredParam('Collection and Date are');
    }
    if (day === undefined) return { kind: 'text', status: 400, text: `Invalid date: ${params.fromDate ?? params.Date}` };
    return json(
      inCollectionNamed(params.Collection).flatMap((c) =>
        c.patients.filter((p) => p.dateReleased >= day).map((p) => patientRow(c.collection, p)),
      ),
    );
  }

  /** The collections with this exact name. */
  function inCollectionNamed(name: string): CollectionSpec[] {
    return collections.filter((c) => c.collection === name);
  }

  /** Stream the series' ZIP; or, under a truncation fault, only its first half. */
  async function sendZip(response: ServerResponse, entry: RequestLogEntry, served: ServedSeries, includeMd5: boolean, newFileNames: boolean) {
    const seriesUid = served.series.seriesInstanceUid;
    const seriesFaults = faults.get(seriesUid);
    const { stream, rename } = buildImageZip(served, { includeMd5, newFileNames, compress, faults: seriesFaults });
    const truncate = faults.take(seriesUid, 'truncateZip');
    const drop = !truncate && faults.take(seriesUid, 'dropConnection');
    entry.status = 200;
    response.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Content-Disposition': `attachment; filename="${seriesUid}.zip"`,
    });
    if (!truncate && !drop && !rename) {
      await pipeline(stream, response).catch(() => undefined); // the client may hang up; nothing to do
      return;
    }
    let bytes = await collect(stream);
    if (rename) {
      bytes = applyRename(bytes, rename);
      entry.fault = 'unsafeEntryName';
    }
    if (truncate || drop) {
      entry.fault = truncate ? 'truncateZip' : 'dropConnection';
      bytes = bytes.subarray(0, Math.floor(bytes.length / 2));
    }
    response.write(bytes);
    if (drop) {
      await sleep(20); // let the half reach the client, then cut the connection
      response.destroy();
    } else {
      response.end();
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}${LOCAL_NBIA_BASE_PATH}`,
    faults,
    modes,
    requests,
    countRequests: (endpoint, seriesInstanceUid) =>
      requests.filter((r) => r.endpoint === endpoint && (seriesInstanceUid === undefined || r.params.SeriesInstanceUID === seriesInstanceUid)).length,
    stop: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close').catch(() => undefined);
    },
  };
}

/** A JSON answer. */
function json(rows: Row[]): Answer {
  return { kind: 'json', rows };
}

/** NBIA's 400 for a missing required parameter. */
function requiredParam(what: string): Answer {
  return { kind: 'text', status: 400, text: `A parameter, ${what} required for this API call.` };
}

/** Send a text answer and log its status. */
function sendText(response: ServerResponse, entry: RequestLogEntry, status: number, text: string): void {
  entry.status = status;
  response.writeHead(status, { 'Content-Type': 'text/plain' }).end(text);
}

/** Whether a series passes getSeries' filters. */
function seriesMatches(served: ServedSeries, params: Record<string, string>): boolean {
  return (
    (params.Collection === undefined || served.collection === params.Collection) &&
    (params.PatientID === undefined || served.patient.patientId === params.PatientID) &&
    (params.StudyInstanceUID === undefined || served.study.studyInstanceUid === params.StudyInstanceUID) &&
    (params.SeriesInstanceUID === undefined || served.series.seriesInstanceUid === params.SeriesInstanceUID) &&
    (params.Modality === undefined || served.series.modality === params.Modality) &&
    (params.BodyPartExamined === undefined || served.series.bodyPartExamined === params.BodyPartExamined)
  );
}

/** MM-DD-YYYY → YYYY-MM-DD, or undefined. */
function fromNbiaDate(text: string): string | undefined {
  const match = /^(\d{2})-(\d{2})-(\d{4})$/.exec(text);
  return match ? `${match[3]}-${match[1]}-${match[2]}` : undefined;
}

/** YYYY/MM/DD (NBIA v1's Date) → YYYY-MM-DD, or undefined. */
function fromLegacyDate(text: string): string | undefined {
  const match = /^(\d{4})\/(\d{2})\/(\d{2})$/.exec(text);
  return match ? `${match[1]}-${match[2]}-${match[3]}` : undefined;
}

/** All bytes of a stream. */
async function collect(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
