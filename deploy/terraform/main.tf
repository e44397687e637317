# The cloud side of fleetlake: the lake bucket, the Glue database Athena's tables live in, an Athena
# workgroup, and the worker's IAM role. Tables themselves come from `fleetlake ddl --target athena`
# (partition projection: no Glue crawler). Never applied: see README "Running in the cloud".

locals {
  lake_arn = aws_s3_bucket.lake.arn
  # Prefixes the pipeline writes; the layout is README "Storage layout".
  lake_prefixes = ["raw/", "structured/", "rejects/", "_fleetlake/"]
}

# ---------------------------------------------------------------- lake bucket

resource "aws_s3_bucket" "lake" {
  bucket = var.lake_bucket
  tags   = var.tags
}

resource "aws_s3_bucket_public_access_block" "lake" {
  bucket                  = aws_s3_bucket.lake.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "lake" {
  bucket = aws_s3_bucket.lake.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "lake" {
  bucket = aws_s3_bucket.lake.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

# Zero-byte "folder" markers so the zones show in the console before the first run.
resource "aws_s3_object" "zone" {
  for_each = toset(["raw/", "structured/", "rejects/"])
  bucket   = aws_s3_bucket.lake.id
  key      = each.value
  content  = ""
}

resource "aws_s3_bucket_lifecycle_configuration" "lake" {
  bucket = aws_s3_bucket.lake.id

  rule {
    id     = "expire-rejects"
    status = "Enabled"
    filter {
      prefix = "rejects/"
    }
    expiration {
      days = var.rejects_expiration_days
    }
  }

  rule {
    id     = "expire-athena-results"
    status = "Enabled"
    filter {
      prefix = "athena-results/"
    }
    expiration {
      days = var.athena_results_expiration_days
    }
  }

  rule {
    id     = "abort-incomplete-uploads"
    status = "Enabled"
    filter {}
    abort_incomplete_multipart_upload {
      days_after_initiation = 2
    }
  }
}

# ---------------------------------------------------------------- Glue + Athena

resource "aws_glue_catalog_database" "lake" {
  name        = replace(var.name, "-", "_")
  description = "fleetlake tables: create them with `fleetlake ddl --target athena`"
}

resource "aws_athena_workgroup" "lake" {
  name          = var.name
  force_destroy = true
  configuration {
    enforce_workgroup_configuration    = true
    publish_cloudwatch_metrics_enabled = true
    engine_version {
      selected_engine_version = "Athena engine version 3"
    }
    result_configuration {
      output_location = "s3://${aws_s3_bucket.lake.bucket}/athena-results/"
      encryption_configuration {
        encryption_option = "SSE_S3"
      }
    }
  }
  tags = var.tags
}

# ---------------------------------------------------------------- worker role

data "aws_iam_policy_document" "worker_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = var.worker_trusted_principals
    }
  }
}

resource "aws_iam_role" "worker" {
  name               = "${var.name}-worker"
  assume_role_policy = data.aws_iam_policy_document.worker_assume.json
  tags               = var.tags
}

# Least privilege: list and read the source prefix; list, read, write and delete (re-processing a
# batch replaces its own files) in the lake's zones only. No Glue or Athena rights: the worker
# writes files, it does not manage tables.
data "aws_iam_policy_document" "worker" {
  statement {
    sid       = "ListSource"
    actions   = ["s3:ListBucket"]
    resources = ["arn:aws:s3:::${var.source_bucket}"]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = [var.source_prefix, "${var.source_prefix}*"]
    }
  }
  statement {
    sid       = "ReadSource"
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::${var.source_bucket}/${var.source_prefix}*"]
  }
  statement {
    sid       = "ListLake"
    actions   = ["s3:ListBucket"]
    resources = [local.lake_arn]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = concat(local.lake_prefixes, [for p in local.lake_prefixes : "${p}*"])
    }
  }
  statement {
    sid       = "ReadWriteLake"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
    resources = [for p in local.lake_prefixes : "${local.lake_arn}/${p}*"]
  }
}

resource "aws_iam_policy" "worker" {
  name   = "${var.name}-worker"
  policy = data.aws_iam_policy_document.worker.json
  tags   = var.tags
}

resource "aws_iam_role_policy_attachment" "worker" {
  role       = aws_iam_role.worker.name
  policy_arn = aws_iam_policy.worker.arn
}

resource "aws_iam_instance_profile" "worker" {
  name = "${var.name}-worker"
  role = aws_iam_role.worker.name
}
