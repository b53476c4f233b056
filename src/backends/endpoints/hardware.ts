import type { EndpointWire, HardwareCatalogueWire } from './schema.ts';

/**
 * What an endpoint's price is looked up by: where it runs (`provider.vendor`, `provider.region`)
 * and on what (`compute.accelerator`, `instanceType`, `instanceSize`), the five values
 * `create_inference_endpoint` takes and the hardware catalogue lists.
 */
export interface HardwareKey {
  readonly vendor: string;
  readonly region: string;
  readonly accelerator: string;
  readonly instanceType: string;
  readonly instanceSize: string;
}

/** The prices of one namespace's hardware catalogue, in USD per replica-hour. */
export interface PriceList {
  /** The price of one replica of this hardware, or undefined when the catalogue has none for it. */
  priceOf(hardware: HardwareKey): number | undefined;
}

/** The endpoint's hardware, or undefined when the answer lacks one of the five values (its price is then unknown). */
export function hardwareOf(wire: EndpointWire): HardwareKey | undefined {
  const { provider, compute } = wire;
  const parts = {
    vendor: provider?.vendor, region: provider?.region,
    accelerator: compute.accelerator, instanceType: compute.instanceType, instanceSize: compute.instanceSize,
  };
  const { vendor, region, accelerator, instanceType, instanceSize } = parts;
  if (!vendor || !region || !accelerator || !instanceType || !instanceSize) return undefined;
  return { vendor, region, accelerator, instanceType, instanceSize };
}

/** `aws us-east-1 gpu nvidia-l4 x1`, for sentences about a price that is missing. */
export function describeHardware(hardware: HardwareKey): string {
  return `${hardware.vendor} ${hardware.region} ${hardware.accelerator} ${hardware.instanceType} ${hardware.instanceSize}`;
}

/**
 * The catalogue's prices by hardware. Values are compared without regard to case, as the public
 * client's `hf endpoints hardware` filters do, so a change of casing on one side does not read as
 * a missing price.
 */
export function priceList(catalogue: HardwareCatalogueWire): PriceList {
  const prices = new Map<string, number>();
  for (const vendor of catalogue.vendors) {
    for (const region of vendor.regions) {
      for (const compute of region.computes) {
        if (compute.pricePerHour === undefined) continue;
        prices.set(keyOf({ vendor: vendor.name, region: region.name, ...compute }), compute.pricePerHour);
      }
    }
  }
  return { priceOf: (hardware) => prices.get(keyOf(hardware)) };
}

function keyOf(hardware: HardwareKey): string {
  return [hardware.vendor, hardware.region, hardware.accelerator, hardware.instanceType, hardware.instanceSize].map((part) => part.toLowerCase()).join('\u0000');
}
