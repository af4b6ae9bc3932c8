/** The local NBIA-compatible server (tests, benchmarks, `npm run demo -- --source tcia`). */
export {
  LOCAL_NBIA_BASE_PATH,
  startLocalNbiaServer,
  type LocalNbiaServer,
  type LocalNbiaServerOptions,
  type RequestLogEntry,
} from './server';
export { collectionSpecFromFolder, type CollectionSpec, type CollectionSpecInput } from './collection-spec';
export { EVERY_SERIES, FaultRegistry, type SeriesFaults } from './faults';
