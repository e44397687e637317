-- fleetlake: Athena tables over the lake at s3://example-lake/fleetlake/
-- Partition projection on the partition key: no Glue crawler and no MSCK REPAIR; a day is
-- queryable as soon as fleetlake has written its files. Athena runs one statement per
-- query: run them in order, with `fleetlake` as the query's database. DROP TABLE on an
-- external table removes only metadata: the Parquet files stay.

CREATE DATABASE IF NOT EXISTS `fleetlake`;

DROP TABLE IF EXISTS `fleetlake`.`vehicle_files`;

CREATE EXTERNAL TABLE `fleetlake`.`vehicle_files` (
  `event` string,
  `vehicle_id` string,
  `event_at` timestamp,
  `lat` double,
  `lng` double,
  `location_at` timestamp,
  `organization_id` string,
  `source_key` string,
  `source_line` bigint
)
PARTITIONED BY (`event_date` date)
STORED AS PARQUET
LOCATION 's3://example-lake/fleetlake/structured/vehicle/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.event_date.type' = 'date',
  'projection.event_date.format' = 'yyyy-MM-dd',
  'projection.event_date.range' = '2019-06-01,NOW',
  'projection.event_date.interval' = '1',
  'projection.event_date.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://example-lake/fleetlake/structured/vehicle/event_date=${event_date}/'
);

-- vehicle: the rows of "fleetlake"."vehicle_files" de-duplicated like the warehouse's crawl does
CREATE OR REPLACE VIEW "fleetlake"."vehicle" AS
SELECT "event", "vehicle_id", "event_at", "lat", "lng", "location_at", "organization_id", "source_key", "source_line", "event_date"
FROM (
  SELECT *, row_number() OVER (PARTITION BY "event_date", "event", "vehicle_id", "event_at"
                               ORDER BY "source_key", "source_line", "event", "vehicle_id", "event_at", "lat", "lng", "location_at", "organization_id") AS fleetlake_row
  FROM "fleetlake"."vehicle_files"
) AS src
WHERE fleetlake_row = 1;

DROP TABLE IF EXISTS `fleetlake`.`operating_period_files`;

CREATE EXTERNAL TABLE `fleetlake`.`operating_period_files` (
  `event` string,
  `period_id` string,
  `event_at` timestamp,
  `start_at` timestamp,
  `finish_at` timestamp,
  `organization_id` string,
  `source_key` string,
  `source_line` bigint
)
PARTITIONED BY (`event_date` date)
STORED AS PARQUET
LOCATION 's3://example-lake/fleetlake/structured/operating_period/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.event_date.type' = 'date',
  'projection.event_date.format' = 'yyyy-MM-dd',
  'projection.event_date.range' = '2019-06-01,NOW',
  'projection.event_date.interval' = '1',
  'projection.event_date.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://example-lake/fleetlake/structured/operating_period/event_date=${event_date}/'
);

-- operating_period: the rows of "fleetlake"."operating_period_files" de-duplicated like the warehouse's crawl does
CREATE OR REPLACE VIEW "fleetlake"."operating_period" AS
SELECT "event", "period_id", "event_at", "start_at", "finish_at", "organization_id", "source_key", "source_line", "event_date"
FROM (
  SELECT *, row_number() OVER (PARTITION BY "event_date", "event", "period_id", "event_at"
                               ORDER BY "source_key", "source_line", "event", "period_id", "event_at", "start_at", "finish_at", "organization_id") AS fleetlake_row
  FROM "fleetlake"."operating_period_files"
) AS src
WHERE fleetlake_row = 1;

-- mart operating_period_distance: its config SQL with haversine_m inlined and arg_max/arg_min as max_by/min_by
CREATE OR REPLACE VIEW "fleetlake"."operating_period_distance" AS
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

-- mart organization_distance: its config SQL with haversine_m inlined and arg_max/arg_min as max_by/min_by
CREATE OR REPLACE VIEW "fleetlake"."organization_distance" AS
SELECT count(*) AS periods, sum(total_distance_m) AS total_distance_m
FROM operating_period_distance;
