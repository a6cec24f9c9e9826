/**
 * A synthetic trip table for the privacy flow tests (seeded, so every run sees the same rows):
 * rental_id (identifier, each value unique and containing `rawMarker`), birth_year, gender, gu
 * (quasi-identifiers), purpose (sensitive), distance_m (other).
 */
import { mulberry32 } from '../harness/seededRandom.ts';

export const rawMarker = 'RAWSECRET';


const gus = ['강남구', '서초구', '송파구', '마포구', '종로구', '중구'];
const purposes = ['출퇴근', '여가', '운동', '장보기'];

export function tripsCsv(rows = 300, seed = 7, header = 'rental_id,birth_year,gender,gu,purpose,distance_m'): string {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const lines = [header];
  for (let i = 0; i < rows; i++) {
    lines.push([`${rawMarker}-${String(i).padStart(5, '0')}`, 1950 + Math.floor(rand() * 55), pick(['M', 'F']), pick(gus), pick(purposes), Math.round(rand() * 8000)].join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** A policy for `tripsCsv` in the JSON form of docs/interfaces.md. */
export const tripsPolicy = {
  k: 5,
  suppressionLimit: 0.05,
  metric: 'entropy',
  columns: {
    rental_id: { role: 'identifier' },
    birth_year: { role: 'quasi', hierarchy: { bands: [10, 20, 40] } },
    gender: { role: 'quasi', hierarchy: { levels: 1 } },
    gu: { role: 'quasi', hierarchy: { map: { 강남구: ['동남권'], 서초구: ['동남권'], 송파구: ['동남권'], 마포구: ['서북권'], 종로구: ['도심권'], 중구: ['도심권'] } } },
    purpose: { role: 'sensitive', lDiversity: { variant: 'distinct', l: 2 } },
    distance_m: { role: 'other' },
  },
};
