/**
 * Capacity Block offerings read one way by preflight (live) and the price generator (the snapshot's
 * rate): how long an offering is, and what it costs per instance-hour. Pure; the callers ask EC2.
 */

/**
 * The block asked of DescribeCapacityBlockOfferings: one day, the shortest AWS sells ("in 1-day
 * increments up to 14 days, and in 7-day increments up to 182 days": EC2 user guide,
 * capacity-blocks-purchase, read 2026-12-06).
 */
export const SHORTEST_CAPACITY_BLOCK_HOURS = 24;

/**
 * An offering's own length: CapacityBlockDurationHours + CapacityBlockDurationMinutes / 60 — a block
 * that starts soon may be a little shorter than asked, since every block ends at 11:30 UTC
 * (CapacityBlockOffering, EC2 API reference; capacity-blocks-purchase, read 2026-12-06).
 */
export function offeringHours(durationHours: number, durationMinutes = 0): number {
  return durationHours + durationMinutes / 60;
}

/** An offering's USD per instance-hour: its upfront fee over its instances and its own hours. */
export function perInstanceHourUsd(upfrontFeeUsd: number, instanceCount: number, hours: number): number {
  return upfrontFeeUsd / (instanceCount * hours);
}
