// China's administrative divisions as a graph:
//   (:County)-[:LOCATED_IN]->(:Prefecture)-[:LOCATED_IN]->(:Province)-[:LOCATED_IN]->(:Country)
// from provinces.csv, prefectures.csv and counties.csv beside this script
// (their source and license: SOURCE.md). Codes are the keys; English names
// repeat. Run with `kg example china-divisions` or `kg load load.cypher`.

CREATE CONSTRAINT province_code IF NOT EXISTS FOR (p:Province) REQUIRE p.code IS UNIQUE;
CREATE CONSTRAINT prefecture_code IF NOT EXISTS FOR (p:Prefecture) REQUIRE p.code IS UNIQUE;
CREATE CONSTRAINT county_code IF NOT EXISTS FOR (c:County) REQUIRE c.code IS UNIQUE;
CREATE INDEX province_name IF NOT EXISTS FOR (p:Province) ON (p.name);
CREATE INDEX prefecture_name IF NOT EXISTS FOR (p:Prefecture) ON (p.name);
CREATE INDEX county_name IF NOT EXISTS FOR (c:County) ON (c.name);

MERGE (:Country {name: 'China', full_name: "People's Republic of China", name_zh: '中国', iso_3166_1: 'CN'});

// Provinces: `name` is the short form people type ('Yunnan', 'Beijing',
// 'Inner Mongolia', 'Guangxi'); `full_name` is the English name in full.
LOAD CSV WITH HEADERS FROM 'provinces.csv' AS row
MATCH (china:Country {name: 'China'})
WITH china, row, row.name_en AS full
WITH china, row, full,
     CASE
       WHEN full ENDS WITH ' Province' THEN substring(full, 0, size(full) - size(' Province'))
       WHEN full ENDS WITH ' Municipality' THEN substring(full, 0, size(full) - size(' Municipality'))
       WHEN full STARTS WITH 'Inner Mongolia' THEN 'Inner Mongolia'
       ELSE split(full, ' ')[0]
     END AS short
CREATE (p:Province {code: row.code, name: short, full_name: full, name_zh: row.name_zh, iso_3166_2: row.iso_3166_2})
CREATE (p)-[:LOCATED_IN]->(china);

LOAD CSV WITH HEADERS FROM 'prefectures.csv' AS row
MATCH (p:Province {code: row.province_code})
CREATE (:Prefecture {code: row.code, name: row.name_en, name_zh: row.name_zh, kind: row.kind})-[:LOCATED_IN]->(p);

LOAD CSV WITH HEADERS FROM 'counties.csv' AS row
MATCH (p:Prefecture {code: row.prefecture_code})
CREATE (:County {code: row.code, name: row.name_en, name_zh: row.name_zh, kind: row.kind})-[:LOCATED_IN]->(p);
