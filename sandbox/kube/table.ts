/**
 * Server-side printing: the `Table` kubectl asks for with `Accept: …;as=Table`. Each row has
 * the cells of the resource's printer (`printers.ts`), so `kubectl get` shows the STATUS,
 * READY and RESTARTS an on-call engineer knows (CrashLoopBackOff, Init:0/2, Terminating…), its
 * conditions, and the object as much as `includeObject` asks for.
 */
import { DEFAULT_PRINTER, PRINTERS } from './printers';
import type { KObject } from './types';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

function rowObject(obj: KObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

export function tableRow(
  resource: string,
  obj: KObject,
  now: number,
  include: IncludeObject,
): Record<string, unknown> {
  const printer = PRINTERS[resource] ?? DEFAULT_PRINTER;
  const conditions = printer.conditions?.(obj);
  const object = rowObject(obj, include);
  return {
    cells: printer.cells(obj, now),
    ...(conditions ? { conditions } : {}),
    ...(object ? { object } : {}),
  };
}

/** A `meta.k8s.io/v1` Table of `objects`. */
export function toTable(
  resource: string,
  objects: KObject[],
  now: number,
  include: IncludeObject,
  listMeta: Record<string, unknown>,
): Record<string, unknown> {
  const printer = PRINTERS[resource] ?? DEFAULT_PRINTER;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: printer.columns,
    rows: objects.map((obj) => tableRow(resource, obj, now, include)),
  };
}
