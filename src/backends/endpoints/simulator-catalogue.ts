/**
 * The hardware catalogue the Endpoints simulator serves at `GET /provider/{namespace}`, in the
 * shape `huggingface_hub`'s `list_inference_endpoints_hardware` reads (NOTES.md): vendors, each
 * with regions, each with the instances it offers and their price per replica-hour.
 */

/** One instance of the catalogue. */
export interface SimulatedCompute {
  readonly vendor: string;
  readonly region: string;
  readonly accelerator: string;
  readonly instanceType: string;
  readonly instanceSize: string;
  /** USD per replica-hour. */
  readonly pricePerHour: number;
  readonly numAccelerators?: number;
  /** `available` unless said otherwise. */
  readonly status?: string;
}

/**
 * A small catalogue with the prices of the Inference Endpoints pricing page and the public
 * client's fixtures (aws nvidia-l4 x1 $0.80, nvidia-a10g x1 $1.00, intel-spr x1 $0.033): the
 * simulator's endpoints run on aws us-east-1 nvidia-a10g x1 unless given other hardware.
 */
export const DEFAULT_CATALOGUE: readonly SimulatedCompute[] = [
  { vendor: 'aws', region: 'us-east-1', accelerator: 'gpu', instanceType: 'nvidia-l4', instanceSize: 'x1', pricePerHour: 0.8 },
  { vendor: 'aws', region: 'us-east-1', accelerator: 'gpu', instanceType: 'nvidia-a10g', instanceSize: 'x1', pricePerHour: 1 },
  { vendor: 'aws', region: 'us-east-1', accelerator: 'gpu', instanceType: 'nvidia-t4', instanceSize: 'x1', pricePerHour: 0.5 },
  { vendor: 'aws', region: 'us-east-1', accelerator: 'cpu', instanceType: 'intel-spr', instanceSize: 'x1', pricePerHour: 0.033 },
  { vendor: 'aws', region: 'us-east-1', accelerator: 'cpu', instanceType: 'intel-spr', instanceSize: 'x2', pricePerHour: 0.067 },
  { vendor: 'aws', region: 'us-east-1', accelerator: 'cpu', instanceType: 'intel-spr', instanceSize: 'x4', pricePerHour: 0.134 },
  { vendor: 'gcp', region: 'us-east4', accelerator: 'gpu', instanceType: 'nvidia-l4', instanceSize: 'x1', pricePerHour: 0.7 },
];

/** `aws-us-east-1-nvidia-l4-x1`, the compute `id` the API gives. */
export function computeId(compute: Pick<SimulatedCompute, 'vendor' | 'region' | 'instanceType' | 'instanceSize'>): string {
  return `${compute.vendor}-${compute.region}-${compute.instanceType}-${compute.instanceSize}`;
}

/** The catalogue as the API answers it, without the instances named in `unpriced` (by compute id). */
export function catalogueWire(computes: readonly SimulatedCompute[], unpriced: ReadonlySet<string>): Record<string, unknown> {
  const vendors = new Map<string, Map<string, Record<string, unknown>[]>>();
  for (const compute of computes) {
    const id = computeId(compute);
    if (unpriced.has(id)) continue;
    const regions = vendors.get(compute.vendor) ?? new Map<string, Record<string, unknown>[]>();
    vendors.set(compute.vendor, regions);
    const list = regions.get(compute.region) ?? [];
    regions.set(compute.region, list);
    list.push({
      id,
      accelerator: compute.accelerator,
      numAccelerators: compute.numAccelerators ?? 1,
      instanceType: compute.instanceType,
      instanceSize: compute.instanceSize,
      status: compute.status ?? 'available',
      pricePerHour: compute.pricePerHour,
      quota: { maxAccelerators: 8, usedAccelerators: 0 },
    });
  }
  return {
    vendors: [...vendors].map(([name, regions]) => ({
      name,
      status: 'available',
      regions: [...regions].map(([region, computes]) => ({ name: region, label: region, status: 'available', computes })),
    })),
  };
}
