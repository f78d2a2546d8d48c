import { gzipSync } from "node:zlib";

/**
 * The demo's long values: upstream, a way's full-resolution GeoJSON feature is far longer than the 65,535 bytes a
 * Redshift VARCHAR holds, so it is rounded (6 decimals) and gzip-compressed into the binary column
 * `geoj_way_feature_compressed`. Every tenth way (1, 11, 21, ...) has one; the others are NULL.
 */
export const compressedFeatureColumn = "geoj_way_feature_compressed";
export const detailedFeaturePoints = 8000;

export const hasDetailedFeature = (wayId: number): boolean => wayId % 10 === 1;

/** mulberry32: a small deterministic generator, so equal seeds give byte-identical features. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const round6 = (value: number): number => Math.round(value * 1e6) / 1e6;

/** A way's full-resolution feature: a LineString of detailedFeaturePoints points walking across Melbourne. */
export function detailedWayFeature(seed: number, wayId: number): string {
  const next = random(seed * 1_000_003 + wayId);
  let lon = 144.6 + next() * 0.8;
  let lat = -38.1 + next() * 0.5;
  const coordinates: string[] = [];
  for (let i = 0; i < detailedFeaturePoints; i++) {
    lon += (next() - 0.45) * 0.00002;
    lat += (next() - 0.45) * 0.00002;
    coordinates.push(`[${round6(lon)},${round6(lat)}]`);
  }
  return `{"type":"Feature","properties":{"way_id":${wayId},"resolution":"full"},"geometry":{"type":"LineString","coordinates":[${coordinates.join(",")}]}}`;
}

/** The column's value for a way: gzip of the feature's UTF-8 bytes, or null. */
export function compressedWayFeature(seed: number, wayId: number): Buffer | null {
  return hasDetailedFeature(wayId) ? gzipSync(detailedWayFeature(seed, wayId), { level: 6 }) : null;
}
