/** TCIA (NBIA REST API v4) source: the client, its row types, and verified series downloads. */
export { DEFAULT_NBIA_BASE_URL, TciaClient, type SeriesQuery, type TciaClientOptions } from './client';
export {
  COMPLETION_MARKER_NAME,
  downloadSeriesToStore,
  type DownloadProgress,
  type SeriesDownloadRequest,
  type SeriesDownloadResult,
} from './download';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry';
export type { CollectionRow, CompletionMarker, PatientRow, SeriesRow, SeriesSizeRow, StudyRow } from './schemas';
