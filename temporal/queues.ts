/**
 * Task queues, defined once. Workflows run on one queue; activities run on a queue per kind of
 * work, so each worker pool scales on its own (io: downloads and writes, cpu: feature
 * extraction, gpu: segmentation). A consortium center that may not export images runs its own
 * workers on `<center>.io` / `<center>.cpu` / `<center>.gpu`; `queueFor` is the one place that
 * decides which queue an activity of a patient goes to.
 *
 * Pure and dependency-free: workflow code imports it.
 */
export const WORKFLOW_QUEUE = 'radiogenomics';

export const WORK_KINDS = ['io', 'cpu', 'gpu'] as const;
export type WorkKind = (typeof WORK_KINDS)[number];

/** Every queue a default worker listens on. */
export const DEFAULT_QUEUES = [WORKFLOW_QUEUE, ...WORK_KINDS] as const;

export function queueFor(kind: WorkKind, center: string | undefined, perCenterQueues: boolean): string {
  return perCenterQueues && center ? `${center}.${kind}` : kind;
}

/** The work kind a queue name serves ('io' for 'io' and 'C01.io'), or undefined for the workflow queue. */
export function kindOfQueue(queue: string): WorkKind | undefined {
  const kind = queue.split('.').pop();
  return WORK_KINDS.find((k) => k === kind);
}
