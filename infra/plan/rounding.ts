/** The one rounding rule for the numbers plans and prices print: half away from zero at `digits` decimals, via toFixed. */
export const roundTo = (value: number, digits: number): number => Number(value.toFixed(digits));
