/**
 * Open public datasets WITHOUT personal data, registered as extracts on start so notebooks have
 * something to compute on before the privacy pipeline exists. The CSVs ship in
 * `server/data/public/<name>/` with a `SOURCE.md` each; a new version is added only when the
 * shipped file changed (its sha256 differs from the one recorded for the newest version).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Attribution, ExtractVersion } from '../../shared/extracts.ts';
import { sha256File, type ExtractCatalog } from '../extracts/catalog.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const publicDataDir = path.join(here, 'public');

export interface PublicDataset {
  name: string;
  file: string;
  attribution: Attribution;
  /** Shapes the table over `src` (explicit types, so every client sees the same schema). */
  transformSql: string;
}

export const publicDatasets: readonly PublicDataset[] = [
  {
    name: 'bike_accidents_by_gu',
    file: path.join(publicDataDir, 'bike_accidents_by_gu', 'bike.csv'),
    attribution: {
      ko: '서울특별시 교통사고 통계 (경찰청·도로교통공단 TAAS 자료를 서울시가 다시 공표), 자치구별 자전거 교통사고 2005–2023',
      en: 'Seoul Metropolitan Government traffic accident statistics (KNPA / Road Traffic Authority TAAS), bicycle accidents by district 2005–2023',
      source: 'kkch1012/RiskMap-Project data/raw_data/bike.csv (commit df5cd3d)',
      licence: 'KOGL Type 1 (attribution) presumed, not verified / 공공누리 제1유형 추정',
    },
    transformSql: `SELECT CAST(연도 AS INTEGER) AS 연도, CAST(자치구 AS VARCHAR) AS 자치구,
      CAST(가해_발생건수 AS INTEGER) AS 가해_발생건수, CAST(피해_발생건수 AS INTEGER) AS 피해_발생건수,
      CAST(가해_사망자수 AS INTEGER) AS 가해_사망자수, CAST(피해_사망자수 AS INTEGER) AS 피해_사망자수,
      CAST(가해_부상자수 AS INTEGER) AS 가해_부상자수, CAST(피해_부상자수 AS INTEGER) AS 피해_부상자수
      FROM src ORDER BY 연도, 자치구`,
  },
  {
    name: 'air_quality_daily',
    file: path.join(publicDataDir, 'air_quality_daily', 'air_quality_daily_2018_2022.csv'),
    attribution: {
      ko: '서울특별시 보건환경연구원, 서울 열린데이터광장 OA-2218 「서울시 일별 평균 대기오염도 정보」 2018–2022',
      en: 'Seoul Research Institute of Public Health and Environment, Seoul Open Data Plaza OA-2218 (daily mean air pollution by station), 2018–2022',
      source: 'https://data.seoul.go.kr/dataList/OA-2218/S/1/datasetView.do via SeojinSeojin/aai2009 (commit fa56a4c)',
      licence: 'KOGL Type 1 (attribution) presumed, not verified / 공공누리 제1유형 추정',
    },
    transformSql: `SELECT CAST(측정일시 AS INTEGER) AS 측정일시, CAST(측정소명 AS VARCHAR) AS 측정소명,
      CAST("이산화질소농도(ppm)" AS DOUBLE) AS "이산화질소농도(ppm)",
      CAST("미세먼지농도(㎍/㎥)" AS DOUBLE) AS "미세먼지농도(㎍/㎥)",
      CAST("초미세먼지농도(㎍/㎥)" AS DOUBLE) AS "초미세먼지농도(㎍/㎥)"
      FROM src ORDER BY 측정일시, 측정소명`,
  },
];

/** Registers each dataset whose shipped file is new or changed; returns the versions added. */
export async function registerPublicDatasets(catalog: ExtractCatalog, datasets: readonly PublicDataset[] = publicDatasets): Promise<ExtractVersion[]> {
  const added: ExtractVersion[] = [];
  for (const d of datasets) {
    const hash = await sha256File(d.file);
    if ((await catalog.latestSourceHash(d.name)) === hash) continue;
    added.push(await catalog.add({ name: d.name, kind: 'public', sourceFile: d.file, attribution: d.attribution, transformSql: d.transformSql }));
  }
  return added;
}
