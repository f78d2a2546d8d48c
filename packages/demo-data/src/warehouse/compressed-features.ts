import { gzipSync } from "node:zlib";
import { mulberry32 } from "../random.js";

/**
 * The demo's long values: upstream, a way's full-resolution GeoJSON feature is far longer than the 65,535 bytes a
 * Redshift VARCHAR holds, so it is rounded (6 decimals) and gzip-compressed into the binary column
 * `geoj_way_feature_compressed`. Every tenth way (1, 11, 21, ...) has one; the others are NULL.
 */
export const compressedFeatureColumn = "geoj_way_feature_compressed";
export const detailedFeaturePoints = 8000;

export const hasDetailedFeature = (wayId: number): boolean => wayId % 10 === 1;

const round6 = (value: number): number => Math.round(value * 1e6) / 1e6;

/** A way's full-resolution feature: a LineString of detailedFeaturePoints points walking across Melbourne. */
export function detailedWayFeature(seed: number, wayId: number): string {
  const next = mulberry32(seed * 1_000_003 + wayId);
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
