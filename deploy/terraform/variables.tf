variable "region" {
  description = "AWS region of the lake, the Glue database and the Athena workgroup."
  type        = string
  default     = "eu-west-1"
}

variable "name" {
  description = "Prefix of every resource name."
  type        = string
  default     = "fleetlake"
}

variable "lake_bucket" {
  description = "Name of the S3 bucket to create for the lake (globally unique)."
  type        = string
}

variable "source_bucket" {
  description = "Existing bucket the events are read from (read-only for the worker)."
  type        = string
  default     = "de-tech-assessment-2022"
}

variable "source_prefix" {
  description = "Key prefix of the events in the source bucket, with a trailing slash."
  type        = string
  default     = "data/"
}

variable "rejects_expiration_days" {
  description = "Days after which reject records (rejects/) are deleted."
  type        = number
  default     = 30
}

variable "athena_results_expiration_days" {
  description = "Days after which Athena query results (athena-results/) are deleted."
  type        = number
  default     = 7
}

variable "worker_trusted_principals" {
  description = "AWS service principals allowed to assume the worker role (EC2 instances, ECS tasks)."
  type        = list(string)
  default     = ["ec2.amazonaws.com", "ecs-tasks.amazonaws.com"]
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = { project = "fleetlake" }
}
