-- fleetlake: DuckDB views over the lake at /data/lake/
-- A relative path is relative to where duckdb runs. Views bind when created: each entity
-- needs at least one Parquet file by then. haversine_m is inlined (plain DuckDB lacks it).
-- union_by_name: files written before a column was added read it as NULL.

CREATE OR REPLACE VIEW "vehicle_files" AS
SELECT * FROM read_parquet('/data/lake/structured/vehicle/*/*.parquet', hive_partitioning = true, hive_types = {'event_date': DATE}, union_by_name = true);

-- vehicle: the rows of "vehicle_files" de-duplicated like the warehouse's crawl does
CREATE OR REPLACE VIEW "vehicle" AS
SELECT "event", "vehicle_id", "event_at", "lat", "lng", "location_at", "organization_id", "source_key", "source_line", "event_date"
FROM (
  SELECT *, row_number() OVER (PARTITION BY "event_date", "event", "vehicle_id", "event_at"
                               ORDER BY "source_key", "source_line", "event", "vehicle_id", "event_at", "lat", "lng", "location_at", "organization_id") AS fleetlake_row
  FROM "vehicle_files"
) AS src
WHERE fleetlake_row = 1;

CREATE OR REPLACE VIEW "operating_period_files" AS
SELECT * FROM read_parquet('/data/lake/structured/operating_period/*/*.parquet', hive_partitioning = true, hive_types = {'event_date': DATE}, union_by_name = true);

-- operating_period: the rows of "operating_period_files" de-duplicated like the warehouse's crawl does
CREATE OR REPLACE VIEW "operating_period" AS
SELECT "event", "period_id", "event_at", "start_at", "finish_at", "organization_id", "source_key", "source_line", "event_date"
FROM (
  SELECT *, row_number() OVER (PARTITION BY "event_date", "event", "period_id", "event_at"
                               ORDER BY "source_key", "source_line", "event", "period_id", "event_at", "start_at", "finish_at", "organization_id") AS fleetlake_row
  FROM "operating_period_files"
) AS src
WHERE fleetlake_row = 1;

CREATE OR REPLACE VIEW operating_period_distance AS
WITH periods AS (
  SELECT c.period_id, c.organization_id,
         max_by(c.start_at, c.event_at) AS start_at,
         max_by(c.finish_at, c.event_at) AS finish_at
  FROM operating_period c
  WHERE c.event = 'create'
    AND NOT EXISTS (SELECT 1 FROM operating_period d
                    WHERE d.event = 'delete' AND d.period_id = c.period_id
                      AND d.organization_id = c.organization_id)
  GROUP BY c.period_id, c.organization_id
),
positions AS (
  SELECT p.period_id, p.organization_id, v.vehicle_id, v.location_at, v.event_at, v.lat, v.lng
  FROM periods p
  JOIN vehicle v
    ON v.organization_id = p.organization_id
   AND v.event = 'update'
   AND v.location_at BETWEEN p.start_at AND p.finish_at
   AND v.lat IS NOT NULL AND v.lng IS NOT NULL
),
steps AS (
  SELECT period_id, organization_id, vehicle_id,
         (2 * 6371000e0 * asin(sqrt(CASE WHEN power(sin(radians((lat) - (lag(lat) OVER w)) / 2), 2) + cos(radians(lag(lat) OVER w)) * cos(radians(lat)) * power(sin(radians((lng) - (lag(lng) OVER w)) / 2), 2) > 1 THEN 1e0 WHEN power(sin(radians((lat) - (lag(lat) OVER w)) / 2), 2) + cos(radians(lag(lat) OVER w)) * cos(radians(lat)) * power(sin(radians((lng) - (lag(lng) OVER w)) / 2), 2) < 0 THEN 0e0 ELSE power(sin(radians((lat) - (lag(lat) OVER w)) / 2), 2) + cos(radians(lag(lat) OVER w)) * cos(radians(lat)) * power(sin(radians((lng) - (lag(lng) OVER w)) / 2), 2) END))) AS step_m
  FROM positions
  WINDOW w AS (PARTITION BY period_id, organization_id, vehicle_id
               ORDER BY location_at, event_at, lat, lng)
),
per_vehicle AS (
  SELECT period_id, organization_id, vehicle_id, coalesce(sum(step_m), 0) AS distance_m
  FROM steps
  GROUP BY period_id, organization_id, vehicle_id
)
SELECT p.period_id AS operating_period_id,
       p.start_at,
       p.finish_at,
       count(v.vehicle_id) AS vehicles,
       avg(v.distance_m) AS avg_distance_m,
       coalesce(sum(v.distance_m), 0) AS total_distance_m
FROM periods p
LEFT JOIN per_vehicle v
  ON v.period_id = p.period_id AND v.organization_id = p.organization_id
GROUP BY p.period_id, p.organization_id, p.start_at, p.finish_at;

CREATE OR REPLACE VIEW organization_distance AS
SELECT count(*) AS periods, sum(total_distance_m) AS total_distance_m
FROM operating_period_distance;
