/**
 * Spot prices from EC2 DescribeSpotPriceHistory, read one way everywhere: preflight (live), the
 * price generator (the dated snapshot) and the plan (the snapshot). The history lists price
 * changes; each AZ's newest entry is its current price ("the Spot price history … the price at the
 * given StartTime": DescribeSpotPriceHistory, EC2 API reference, read 2026-12-06).
 */

/** One entry of SpotPriceHistory, as the SDK returns it (SpotPrice is a string of dollars). */
export interface SpotPriceHistoryEntry {
  AvailabilityZoneId?: string | undefined;
  SpotPrice?: string | undefined;
  Timestamp?: Date | undefined;
}

export interface ZoneSpotPrice {
  zoneId: string;
  hourlyUsd: number;
}

/** Each AZ's newest price, by AZ id; entries without an AZ id or a finite positive price are ignored. */
export function newestSpotPricePerZone(history: readonly SpotPriceHistoryEntry[]): ZoneSpotPrice[] {
  const latest = new Map<string, { at: number; hourlyUsd: number }>();
  for (const entry of history) {
    const zoneId = entry.AvailabilityZoneId;
    const hourlyUsd = Number(entry.SpotPrice);
    if (!zoneId || !Number.isFinite(hourlyUsd) || hourlyUsd <= 0) continue;
    const at = entry.Timestamp?.getTime() ?? 0;
    if ((latest.get(zoneId)?.at ?? -1) < at) latest.set(zoneId, { at, hourlyUsd });
  }
  return [...latest].map(([zoneId, { hourlyUsd }]) => ({ zoneId, hourlyUsd })).sort((a, b) => a.zoneId.localeCompare(b.zoneId));
}

/**
 * The spot rate a plan and a budget use: the dearest of the AZs the nodes may launch in. A spot node
 * pays its own AZ's price, and the node group does not choose the cheapest AZ (EKS asks for spot
 * with an allocation strategy that weighs capacity), so the dearest is the price that cannot be
 * exceeded at the snapshot — fail closed. Undefined when no usable AZ has a price.
 */
export function spotRateUsd(zones: readonly ZoneSpotPrice[], usableZoneIds?: readonly string[]): number | undefined {
  const usable = usableZoneIds ? zones.filter((z) => usableZoneIds.includes(z.zoneId)) : zones;
  return usable.length === 0 ? undefined : Math.max(...usable.map((z) => z.hourlyUsd));
}
