output "lake_uri" {
  description = "Value for lake.uri (fleetlake --set lake.uri=...) and `fleetlake ddl --location`."
  value       = "s3://${aws_s3_bucket.lake.bucket}"
}

output "glue_database" {
  description = "Value for `fleetlake ddl --database`."
  value       = aws_glue_catalog_database.lake.name
}

output "athena_workgroup" {
  description = "Workgroup to run the DDL and the queries in."
  value       = aws_athena_workgroup.lake.name
}

output "athena_results_uri" {
  description = "Where Athena writes query results."
  value       = "s3://${aws_s3_bucket.lake.bucket}/athena-results/"
}

output "worker_role_arn" {
  description = "Role the fleetlake worker (Airflow worker, ECS task, EC2 instance) runs as."
  value       = aws_iam_role.worker.arn
}

output "worker_instance_profile" {
  description = "Instance profile of the worker role, for EC2 workers."
  value       = aws_iam_instance_profile.worker.name
}
